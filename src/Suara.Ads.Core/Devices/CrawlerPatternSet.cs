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
/// regex is a <em>needle</em>. A needle of 4 or more characters is indexed by one of its 4-character windows, its
/// anchor; the scan reads the input's 4-character windows as 64-bit keys and tests each against a 128 Kbit hash
/// filter (16 KB, a few percent full), so most positions cost a multiply, a shift and one bit test. Only on a filter
/// hit are the needles anchored on that exact key looked up and compared. The few needles shorter than 4 characters
/// are found with one vectorized <see cref="SearchValues{T}"/> search. A needle found is a match if it is a literal;
/// if it is a prefilter, its regex runs (at most once per input; compiled on first use).
/// </para>
/// <para>
/// Anchors are chosen away from text every browser sends (<see cref="BrowserText"/>), so a browser User-Agent,
/// the common case, rarely reaches the lookup. That choice only affects speed, never the answer.
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

    // Typical browser User-Agent text: anchors avoid its 4-character windows where they can.
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
        var background = Windows(BrowserText).ToHashSet();
        _anchored = needles.Where(n => n.Text.Length >= MinAnchoredLength)
            .SelectMany(n => Enumerable.Range(AnchorOffset(n.Text, background), Stride).Select(offset => new Needle(n.Text, offset, n.Regex)))
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

    /// <summary>How many needles are indexed under an anchor key that occurs in typical browser text (a measure of the anchor choice).</summary>
    internal int AnchorsInBrowserText => Windows(BrowserText).Distinct().Count(_anchored.ContainsKey);

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
    /// Where in <paramref name="text"/> its <see cref="Stride"/> consecutive anchor windows start: the first place
    /// where none of them is seen in browser text, else 0.
    /// </summary>
    private static int AnchorOffset(string text, HashSet<ulong> background)
    {
        for (var offset = 0; offset + MinAnchoredLength <= text.Length; offset++)
        {
            if (Enumerable.Range(offset, Stride).All(o => !background.Contains(Key(text.AsSpan(o)))))
            {
                return offset;
            }
        }

        return 0;
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
        if (_short.Length == 0)
        {
            return false;
        }

        for (var at = input.IndexOfAny(_shortTexts); at >= 0;)
        {
            if (MatchesNeedleAt(input, at, _short, tried))
            {
                return true;
            }

            var next = input[(at + 1)..].IndexOfAny(_shortTexts);
            at = next < 0 ? -1 : at + 1 + next;
        }

        return false;
    }

    /// <summary>Whether one of <paramref name="needles"/>, anchored at <paramref name="at"/>, is there and is a match.</summary>
    private bool MatchesNeedleAt(ReadOnlySpan<char> input, int at, Needle[] needles, Span<bool> tried)
    {
        foreach (var needle in needles)
        {
            var start = at - needle.Offset;
            if (start < 0 || !input[start..].StartsWith(needle.Text, StringComparison.Ordinal))
            {
                continue;
            }

            if (needle.Regex < 0)
            {
                return true;
            }

            if (!tried[needle.Regex])
            {
                tried[needle.Regex] = true;
                if (_filteredRegexes[needle.Regex].Value.IsMatch(input))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>A literal to find: a literal pattern (<paramref name="Regex"/> -1) or a prefilter of regex number <paramref name="Regex"/>.</summary>
    /// <param name="Text">The literal.</param>
    /// <param name="Offset">Where its anchor window starts in it.</param>
    /// <param name="Regex">-1 for a literal pattern, else the index of the filtered regex it stands for.</param>
    private readonly record struct Needle(string Text, int Offset, int Regex);
}
