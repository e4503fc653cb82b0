using System.Collections.Concurrent;

namespace Suara.Ads.Core.Targeting;

/// <summary>
/// Compiled rules by source text, shared by every snapshot build. Rules are immutable and thread-safe, so a rebuild
/// after one campaign changed reuses the compiled rules of all the others: compiling is most of what a rebuild
/// allocates (about 10 KB of parser and compiler garbage per rule), and that garbage is what pauses decisions.
/// </summary>
internal static class TargetingRuleCache
{
    /// <summary>Beyond this many distinct rules the cache starts again (a safety bound, not a working size).</summary>
    public const int MaxEntries = 250_000;

    // The successful results themselves, so that a hit (every campaign after the first with its rule, and every
    // validation after a loader's precompile) allocates nothing.
    // A load adds rules from every core at once (each page of campaigns compiles its own as it arrives): with the
    // default one lock per core, and the table grown step by step from 31 buckets under all of its locks, a
    // 100k-campaign load spent a noticeable part of its samples waiting on these locks. More locks, and a table that
    // starts bigger (a few KB), make that rare.
    private static readonly ConcurrentDictionary<string, TargetingCompileResult> s_rules = new(concurrencyLevel: 64, capacity: 4096, StringComparer.Ordinal);

    // The bound is checked against this count, not ConcurrentDictionary.Count: that takes every one of the
    // dictionary's locks, and the dictionary grows to 1,024 of them; at 60k new rules in a load, checking it on every
    // miss cost some 60 million lock operations (more than a second of CPU, more than compiling the rules).
    private static int s_added;

    /// <summary>Number of cached rules.</summary>
    public static int Count => s_rules.Count;

    /// <summary>Compiles <paramref name="source"/>, or returns the rule compiled before from the same text.</summary>
    public static TargetingCompileResult Compile(string source)
    {
        if (s_rules.TryGetValue(source, out var cached))
        {
            return cached;
        }

        var result = TargetingRule.Compile(source);
        if (result.Success)
        {
            if (Volatile.Read(ref s_added) >= MaxEntries)
            {
                Clear();
            }

            if (s_rules.TryAdd(source, result))
            {
                Interlocked.Increment(ref s_added);
            }
        }

        return result;
    }

    /// <summary>Forgets every cached rule (benchmarks of a cold build).</summary>
    public static void Clear()
    {
        s_rules.Clear();
        Volatile.Write(ref s_added, 0);
    }
}
