using System.Text.Json;

namespace Suara.Ads.Core.Devices;

/// <summary>
/// Whether a User-Agent is a known crawler, bot, monitor or automated client, by the public list
/// <c>crawler-user-agents</c> (Martin Monperrus, MIT), vendored unchanged in <c>Devices/Crawlers/</c> and embedded
/// in this assembly.
/// </summary>
/// <remarks>
/// <para>
/// A User-Agent is a crawler when any <c>pattern</c> of the list matches its first
/// <see cref="UserAgentClassifier.MaxExaminedLength"/> characters as a case-sensitive .NET regular expression
/// (<see cref="System.Text.RegularExpressions.Regex.IsMatch(ReadOnlySpan{char})"/>). The patterns are not run one by
/// one: plain literals, prefixes and suffixes are matched without regexes and the few real regexes only run behind a
/// literal every match of theirs must contain (<see cref="CrawlerPatternSet"/>).
/// </para>
/// <para>
/// The list is read once, on first use, thread-safely. <see cref="IsCrawler"/> allocates nothing (once the few
/// regexes it has needed are compiled).
/// </para>
/// </remarks>
public static class CrawlerDetector
{
    /// <summary>The manifest name of the embedded list.</summary>
    internal const string ResourceName = "Suara.Ads.Core.Devices.Crawlers.crawler-user-agents.json";

    private static readonly CrawlerPatternSet s_list = new(LoadPatterns());

    /// <summary>How many patterns the vendored list has.</summary>
    public static int PatternCount => s_list.Patterns.Count;

    /// <summary>The list's patterns with how each is matched.</summary>
    internal static IReadOnlyList<CrawlerPattern> Patterns => s_list.Patterns;

    /// <summary>Whether any pattern of the list matches <paramref name="userAgent"/>.</summary>
    /// <param name="userAgent">The raw User-Agent header; only its first <see cref="UserAgentClassifier.MaxExaminedLength"/> characters are read.</param>
    /// <returns>True for a known crawler. Never allocates.</returns>
    public static bool IsCrawler(ReadOnlySpan<char> userAgent) =>
        s_list.IsMatch(userAgent[..Math.Min(userAgent.Length, UserAgentClassifier.MaxExaminedLength)]);

    /// <summary>Reads the <c>pattern</c> of every entry of the embedded list, in order.</summary>
    /// <returns>The patterns.</returns>
    internal static IReadOnlyList<string> LoadPatterns()
    {
        using var stream = typeof(CrawlerDetector).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing.");
        using var json = JsonDocument.Parse(stream);
        var patterns = new List<string>(json.RootElement.GetArrayLength());
        foreach (var entry in json.RootElement.EnumerateArray())
        {
            patterns.Add(entry.GetProperty("pattern").GetString() is { Length: > 0 } pattern
                ? pattern
                : throw new InvalidDataException($"An entry of {ResourceName} has an empty pattern."));
        }

        return patterns;
    }
}
