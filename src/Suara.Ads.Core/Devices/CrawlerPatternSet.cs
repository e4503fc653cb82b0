using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Suara.Ads.Core.Devices;

/// <summary>
/// A list of crawler patterns (regular expressions) prepared so that one input is checked against all of them in
/// one pass over its characters, with the same answer as running every pattern as a .NET regex.
/// </summary>
/// <remarks>
/// <para>
/// Each pattern is classified by <see cref="CrawlerPatternAnalyzer"/>. Every literal pattern and every prefilter of a
/// regex is a <em>needle</em>. A needle of <see cref="MinAnchoredLength"/> (4) or more characters is indexed under
/// <see cref="Stride"/> (2) consecutive 3-character windows of it, its anchors, so wherever it occurs one of them
/// starts at an even position. The scan reads the input's 3-character windows at even positions only, as 48-bit
/// keys, and tests each against a 128 Kbit hash filter (16 KB, about 2% full): most positions cost a multiply, a
/// shift and one bit test. Only on a filter hit are the needles anchored on that exact key looked up and compared.
/// The few shorter needles are found with a vectorized <see cref="SearchValues{T}"/> search. A needle found is a match
/// if it is a literal; if it is a prefilter, its regex runs (at most once per input; compiled on first use).
/// </para>
/// <para>
/// Anchors are chosen away from text every browser sends (<see cref="BrowserText"/>), so a browser User-Agent,
/// the common case, rarely reaches the lookup, and spread so that a window has one or two needles (1.60.0: at most
/// 2), so an input repeating one window costs a few µs at worst. That choice only affects speed, never the answer.
/// Needles shorter than the anchors need are searched together once, then each on its own from the first hit.
/// </para>
/// <para><see cref="IsMatch"/> is thread-safe and allocates nothing once each regex it needed has been compiled.</para>
/// </remarks>
internal sealed class CrawlerPatternSet
{
    private const RegexOptions Options = RegexOptions.Compiled | RegexOptions.CultureInvariant;
    private const int Window = 3;
    private const int Stride = 2;
    private const int FilterBits = 17;
    private const int MinAnchoredLength = Window + Stride - 1;

    // Typical browser User-Agent text: anchors avoid its windows where they can.
    private const string BrowserText =
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0 OPR/115.0.0.0 "
        + "(Macintosh; Intel Mac OS X 10_15_7) Version/18.1 Safari/605.1.15 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0 "
        + "(iPhone; CPU iPhone OS 18_1 like Mac OS X) Mobile/15E148 CriOS/131.0 FxiOS/133.0 (iPad; CPU OS 18_1 like Mac OS X) "
        + "(Linux; Android 14; SM-S918B Build/UP1A) Mobile Safari/537.36 SamsungBrowser/26.0 wv) Version/4.0 (Linux; Android 10; K) "
        + "(X11; CrOS x86_64 14541.0.0) (KHTML, like Gecko) ";

    private readonly ulong[] _filter = new ulong[(1 << FilterBits) / 64];
    private readonly Dictionary<ulong, Needle[]> _anchored;
    private readonly Needle[] _short;
    private readonly SearchValues<string> _shortTexts;
    private readonly Lazy<Regex>[] _filteredRegexes;
    private readonly Lazy<Regex>[] _unfilteredRegexes;
    private readonly string[] _prefixes;
    private readonly SearchValues<char> _prefixFirstChars;
    private readonly string[] _suffixes;

    /// <summary>Classifies and prepares <paramref name="patterns"/>.</summary>
    /// <param name="patterns">.NET regular expressions, matched case-sensitively; none may be empty.</param>
    public CrawlerPatternSet(IEnumerable<string> patterns)
    {
        Patterns = [.. patterns.Select(CrawlerPatternAnalyzer.Analyze)];
        _prefixes = TextsOf(CrawlerPatternKind.Prefix);
        _suffixes = TextsOf(CrawlerPatternKind.Suffix);
        _prefixFirstChars = SearchValues.Create([.. _prefixes.Select(p => p[0]).Distinct()]);

        var filtered = Patterns.Where(p => p.Kind == CrawlerPatternKind.Regex && !p.IsUnfiltered).ToArray();
        _filteredRegexes = [.. filtered.Select(p => Compile(p.Source))];
        _unfilteredRegexes = [.. Patterns.Where(p => p.IsUnfiltered).Select(p => Compile(p.Source))];

        var needles = TextsOf(CrawlerPatternKind.Literal).Select(text => (Text: text, Regex: -1))
            .Concat(filtered.SelectMany((p, regex) => p.Prefilters.Select(text => (Text: text, Regex: regex))))
            .Distinct()
            .ToArray();
        _anchored = Anchor(needles.Where(n => n.Text.Length >= MinAnchoredLength))
            .GroupBy(n => Key(n.Text.AsSpan(n.Offset)))
            .ToDictionary(g => g.Key, g => g.ToArray());
        foreach (var key in _anchored.Keys)
        {
            var bit = Hash(key);
            _filter[bit >> 6] |= 1UL << (int)bit;
        }

        _short = [.. needles.Where(n => n.Text.Length < MinAnchoredLength).Select(n => new Needle(n.Text, 0, n.Regex))];
        _shortTexts = SearchValues.Create([.. _short.Select(n => n.Text).Distinct()], StringComparison.Ordinal);

        string[] TextsOf(CrawlerPatternKind kind) =>
            [.. Patterns.Where(p => p.Kind == kind).Select(p => p.Literal).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>The patterns, in the order given, with how each is matched.</summary>
    public IReadOnlyList<CrawlerPattern> Patterns { get; }

    /// <summary>Whether any pattern matches <paramref name="input"/>, as <see cref="Regex.IsMatch(ReadOnlySpan{char})"/> would say.</summary>
    /// <param name="input">The text to check, whole (the caller truncates).</param>
    /// <returns>True when at least one pattern matches.</returns>
    public bool IsMatch(ReadOnlySpan<char> input)
    {
        if (MatchesPrefixOrSuffix(input))
        {
            return true;
        }

        foreach (var regex in _unfilteredRegexes)
        {
            if (regex.Value.IsMatch(input))
            {
                return true;
            }
        }

        Span<bool> tried = stackalloc bool[_filteredRegexes.Length];
        return MatchesAnchoredNeedle(input, tried) || MatchesShortNeedle(input, tried);
    }

    private static Lazy<Regex> Compile(string pattern) => new(() => new Regex(pattern, Options));

    /// <summary>The first <see cref="Window"/> (3) characters of <paramref name="text"/> as one number: 16 bits each, first lowest.</summary>
    private static ulong Key(ReadOnlySpan<char> text) => text[0] | ((ulong)text[1] << 16) | ((ulong)text[2] << 32);

    private static uint Hash(ulong key) => (uint)((key * 0x9E3779B97F4A7C15UL) >> (64 - FilterBits));

    private static IEnumerable<ulong> Windows(string text)
    {
        for (var i = 0; i + Window <= text.Length; i++)
        {
            yield return Key(text.AsSpan(i));
        }
    }

    /// <summary>
    /// Indexes each needle under <see cref="Stride"/> consecutive windows of it. Where they start is chosen greedily,
    /// shortest needles first (they have the fewest choices): away from windows of typical browser text, then where
    /// the fewest needles are indexed already, so that a window found in an input has few needles to compare.
    /// </summary>
    private static List<Needle> Anchor(IEnumerable<(string Text, int Regex)> needles)
    {
        const int InBrowserText = 1_000;
        var background = Windows(BrowserText).ToHashSet();
        var load = new Dictionary<ulong, int>();
        var anchored = new List<Needle>();
        foreach (var (text, regex) in needles.OrderBy(n => n.Text.Length).ThenBy(n => n.Text, StringComparer.Ordinal))
        {
            var (best, bestCost) = (0, int.MaxValue);
            for (var start = 0; start + MinAnchoredLength <= text.Length; start++)
            {
                var cost = 0;
                for (var offset = start; offset < start + Stride; offset++)
                {
                    var key = Key(text.AsSpan(offset));
                    cost += (background.Contains(key) ? InBrowserText : 0) + load.GetValueOrDefault(key);
                }

                if (cost < bestCost)
                {
                    (best, bestCost) = (start, cost);
                }
            }

            for (var offset = best; offset < best + Stride; offset++)
            {
                var key = Key(text.AsSpan(offset));
                load[key] = load.GetValueOrDefault(key) + 1;
                anchored.Add(new Needle(text, offset, regex));
            }
        }

        return anchored;
    }

    private bool MatchesPrefixOrSuffix(ReadOnlySpan<char> input)
    {
        if (input.IsEmpty)
        {
            return false;
        }

        if (_prefixFirstChars.Contains(input[0]))
        {
            foreach (var prefix in _prefixes)
            {
                if (input.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return true;
                }
            }
        }

        // .NET's '$' (without RegexOptions.Multiline) matches at the end and before a final '\n'.
        var beforeNewline = input[^1] == '\n' ? input[..^1] : [];
        foreach (var suffix in _suffixes)
        {
            if (input.EndsWith(suffix, StringComparison.Ordinal) || beforeNewline.EndsWith(suffix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private bool MatchesAnchoredNeedle(ReadOnlySpan<char> input, Span<bool> tried)
    {
        // Every anchored needle is indexed under Stride consecutive windows, so one of them starts at a multiple of
        // Stride wherever the needle occurs: the windows in between need not be looked at.
        ref var filter = ref MemoryMarshal.GetArrayDataReference(_filter);
        ref var first = ref MemoryMarshal.GetReference(input);
        for (var i = 0; i + Window <= input.Length; i += Stride)
        {
            ref var c = ref Unsafe.Add(ref first, i);
            var key = Unsafe.ReadUnaligned<uint>(ref Unsafe.As<char, byte>(ref c)) | ((ulong)Unsafe.Add(ref c, 2) << 32);
            var bit = Hash(key);
            if ((Unsafe.Add(ref filter, bit >> 6) & (1UL << (int)bit)) != 0
                && _anchored.TryGetValue(key, out var needles)
                && MatchesNeedleAt(input, i, needles, tried))
            {
                return true;
            }
        }

        return false;
    }

    private bool MatchesShortNeedle(ReadOnlySpan<char> input, Span<bool> tried)
    {
        // One vectorized search for all of them settles the common case (none). After a hit, each is looked for once
        // on its own from there, so an input repeating one of them costs one pass per needle, not one per occurrence.
        var first = _short.Length == 0 ? -1 : input.IndexOfAny(_shortTexts);
        if (first < 0)
        {
            return false;
        }

        var rest = input[first..];
        foreach (var needle in _short)
        {
            if (rest.Contains(needle.Text, StringComparison.Ordinal) && IsMatchFor(needle, input, tried))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether one of <paramref name="needles"/>, anchored at <paramref name="at"/>, is there and is a match.</summary>
    private bool MatchesNeedleAt(ReadOnlySpan<char> input, int at, Needle[] needles, Span<bool> tried)
    {
        foreach (var needle in needles)
        {
            var start = at - needle.Offset;
            if (start >= 0 && input[start..].StartsWith(needle.Text, StringComparison.Ordinal) && IsMatchFor(needle, input, tried))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether a needle found in <paramref name="input"/> makes it a match: always for a literal pattern; for a
    /// prefilter, if its regex matches (run once per input at most).
    /// </summary>
    private bool IsMatchFor(Needle needle, ReadOnlySpan<char> input, Span<bool> tried)
    {
        if (needle.Regex < 0)
        {
            return true;
        }

        if (tried[needle.Regex])
        {
            return false;
        }

        tried[needle.Regex] = true;
        return _filteredRegexes[needle.Regex].Value.IsMatch(input);
    }

    /// <summary>A literal to find: a literal pattern (<paramref name="Regex"/> -1) or a prefilter of regex number <paramref name="Regex"/>.</summary>
    /// <param name="Text">The literal.</param>
    /// <param name="Offset">Where its anchor window starts in it.</param>
    /// <param name="Regex">-1 for a literal pattern, else the index of the filtered regex it stands for.</param>
    private readonly record struct Needle(string Text, int Offset, int Regex);
}
