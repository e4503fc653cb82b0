using System.Globalization;
using System.Text;

namespace Suara.Ads.Core.Devices;

/// <summary>
/// Reads a pattern of the crawler list (a regular expression, in the subset the list uses) and decides how
/// <see cref="CrawlerPatternSet"/> can match it: as a plain literal, a prefix, a suffix, or a regex behind prefilter
/// literals.
/// </summary>
/// <remarks>
/// The reading is conservative: a construct it does not know (an inline option such as <c>(?i)</c>, a
/// <c>\x41</c> or <c>\p{L}</c> escape, a back-reference, class subtraction, a stray quantifier or brace) ends the
/// search for literals in that alternative, or, for inline options, gives up on prefilters for the whole pattern. A
/// prefilter is therefore always a run of characters every match must contain, never a guess; a pattern left without
/// one is run on every input, which is slower but still correct.
/// </remarks>
internal static class CrawlerPatternAnalyzer
{
    // Characters that mean something in a .NET pattern outside a class (whitespace and '#' do not without
    // RegexOptions.IgnorePatternWhitespace). ']' and '}' are literal in .NET on their own; they are listed so that a
    // pattern using them goes the careful way.
    private const string Metacharacters = @"\^$.|?*+()[]{}";

    // Escapes that match a class of characters or a position, never a literal: they end a run and nothing more.
    private const string ClassAndAssertionEscapes = "dDwWsSbBAzZG";

    /// <summary>Classifies <paramref name="pattern"/> and derives its literal or prefilters.</summary>
    /// <param name="pattern">A pattern of the list, as written there.</param>
    /// <returns>How the pattern is matched.</returns>
    public static CrawlerPattern Analyze(string pattern)
    {
        var anchoredStart = pattern.StartsWith('^');
        var start = anchoredStart ? 1 : 0;
        var anchoredEnd = pattern.Length > start && pattern[^1] == '$' && !IsEscaped(pattern, pattern.Length - 1);
        var end = anchoredEnd ? pattern.Length - 1 : pattern.Length;

        if (TryUnescape(pattern.AsSpan(start, end - start), out var literal) && literal.Length > 0)
        {
            return (anchoredStart, anchoredEnd) switch
            {
                (false, false) => new CrawlerPattern(pattern, CrawlerPatternKind.Literal, literal, []),
                (true, false) => new CrawlerPattern(pattern, CrawlerPatternKind.Prefix, literal, []),
                (false, true) => new CrawlerPattern(pattern, CrawlerPatternKind.Suffix, literal, []),
                (true, true) => new CrawlerPattern(pattern, CrawlerPatternKind.Regex, "", [literal]),
            };
        }

        return new CrawlerPattern(pattern, CrawlerPatternKind.Regex, "", Prefilters(pattern));
    }

    /// <summary>One required literal per top-level alternative, or none if any alternative has none.</summary>
    private static string[] Prefilters(string pattern)
    {
        if (HasInlineOptions(pattern) || SplitAlternatives(pattern) is not { } alternatives)
        {
            return [];
        }

        var prefilters = new List<string>(alternatives.Count);
        foreach (var alternative in alternatives)
        {
            var run = LongestRequiredRun(alternative);
            if (run.Length == 0)
            {
                return [];
            }

            prefilters.Add(run);
        }

        return [.. prefilters.Distinct(StringComparer.Ordinal)];
    }

    /// <summary>
    /// The longest run of consecutive literal characters, each present exactly where it is in every match of
    /// <paramref name="alternative"/> (an alternative without a top-level <c>|</c>); empty if there is none.
    /// </summary>
    private static string LongestRequiredRun(string alternative)
    {
        var best = "";
        var run = new StringBuilder();
        var i = 0;
        while (i < alternative.Length)
        {
            if (!TryReadAtom(alternative, i, out var literal, out var next)
                || !TryReadQuantifier(alternative, next, out var min, out var quantified, out var after))
            {
                break;
            }

            if (literal is { } c && min > 0)
            {
                run.Append(c);
            }

            // An optional atom, a non-literal one, and the end of a repeated one all end the run.
            if (literal is null || quantified)
            {
                Flush();
            }

            i = after;
        }

        Flush();
        return best;

        void Flush()
        {
            if (run.Length > best.Length)
            {
                best = run.ToString();
            }

            run.Clear();
        }
    }

    /// <summary>Reads one atom at <paramref name="i"/>: a literal character, or something else (class, group, dot, anchor).</summary>
    /// <returns>False on a construct this reader does not know, where reading stops.</returns>
    private static bool TryReadAtom(string pattern, int i, out char? literal, out int next)
    {
        literal = null;
        next = -1;
        var c = pattern[i];
        switch (c)
        {
            case '\\' when i + 1 < pattern.Length && IsLiteralEscape(pattern[i + 1]):
                literal = pattern[i + 1];
                next = i + 2;
                return true;
            case '\\' when i + 1 < pattern.Length && ClassAndAssertionEscapes.Contains(pattern[i + 1], StringComparison.Ordinal):
                next = i + 2;
                return true;
            case '[':
                next = SkipClass(pattern, i);
                return next > 0;
            case '(':
                next = SkipGroup(pattern, i);
                return next > 0;
            case '.' or '^' or '$':
                next = i + 1;
                return true;
            default:
                if (Metacharacters.Contains(c, StringComparison.Ordinal))
                {
                    return false;
                }

                literal = c;
                next = i + 1;
                return true;
        }
    }

    /// <summary>Reads the quantifier at <paramref name="i"/>, if any: <c>? * + {n} {n,} {n,m}</c>, lazy or not.</summary>
    /// <param name="pattern">The pattern.</param>
    /// <param name="i">Where the quantifier would start: just after an atom.</param>
    /// <param name="min">The least number of repetitions (1 when there is no quantifier).</param>
    /// <param name="quantified">Whether there was a quantifier.</param>
    /// <param name="after">The index after the quantifier.</param>
    /// <returns>False on a <c>{</c> that is not a quantifier, where reading stops.</returns>
    private static bool TryReadQuantifier(string pattern, int i, out int min, out bool quantified, out int after)
    {
        (min, quantified, after) = (1, false, i);
        if (i >= pattern.Length)
        {
            return true;
        }

        switch (pattern[i])
        {
            case '?' or '*':
                (min, after) = (0, i + 1);
                break;
            case '+':
                (min, after) = (1, i + 1);
                break;
            case '{':
                var close = pattern.IndexOf('}', i);
                string[] bounds = close < 0 ? [] : pattern[(i + 1)..close].Split(',');
                if (bounds.Length is 0 or > 2 || !TryParseCount(bounds[0], out min)
                    || (bounds.Length == 2 && bounds[1].Length > 0 && !TryParseCount(bounds[1], out _)))
                {
                    return false;
                }

                after = close + 1;
                break;
            default:
                return true;
        }

        quantified = true;
        if (after < pattern.Length && pattern[after] == '?')
        {
            after++;
        }

        return true;
    }

    private static bool TryParseCount(string digits, out int count) =>
        int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out count);

    /// <summary>Splits at every <c>|</c> outside groups and classes; null if the brackets do not balance.</summary>
    private static List<string>? SplitAlternatives(string pattern)
    {
        var alternatives = new List<string>();
        var start = 0;
        for (var i = 0; i < pattern.Length;)
        {
            switch (pattern[i])
            {
                case '|':
                    alternatives.Add(pattern[start..i]);
                    start = ++i;
                    break;
                case ')':
                    return null;
                default:
                    i = SkipConstruct(pattern, i);
                    if (i < 0)
                    {
                        return null;
                    }

                    break;
            }
        }

        alternatives.Add(pattern[start..]);
        return alternatives;
    }

    /// <summary>The index after the escape, class, group or single character at <paramref name="i"/>, or -1 if it is not closed.</summary>
    private static int SkipConstruct(string pattern, int i) => pattern[i] switch
    {
        '\\' => i + 1 < pattern.Length ? i + 2 : -1,
        '[' => SkipClass(pattern, i),
        '(' => SkipGroup(pattern, i),
        _ => i + 1,
    };

    /// <summary>The index after the class opening at <paramref name="i"/>, or -1 (unclosed, or a nested <c>[</c>).</summary>
    private static int SkipClass(string pattern, int i)
    {
        var k = i + 1;
        if (k < pattern.Length && pattern[k] == '^')
        {
            k++;
        }

        if (k < pattern.Length && pattern[k] == ']')
        {
            k++; // A ']' first in a .NET class is a member.
        }

        for (; k < pattern.Length; k++)
        {
            switch (pattern[k])
            {
                case '\\':
                    k++;
                    break;
                case '[':
                    return -1;
                case ']':
                    return k + 1;
            }
        }

        return -1;
    }

    /// <summary>The index after the group opening at <paramref name="i"/>, or -1 if it is not closed.</summary>
    private static int SkipGroup(string pattern, int i)
    {
        for (var k = i + 1; k >= 0 && k < pattern.Length; k = SkipConstruct(pattern, k))
        {
            if (pattern[k] == ')')
            {
                return k + 1;
            }
        }

        return -1;
    }

    /// <summary>
    /// Whether the pattern has a <c>(?</c> other than <c>(?:</c> and lookarounds: inline options such as <c>(?i)</c>
    /// change how the literals around them match, named groups and conditionals are not read here.
    /// </summary>
    private static bool HasInlineOptions(string pattern)
    {
        for (var i = pattern.IndexOf("(?", StringComparison.Ordinal); i >= 0; i = pattern.IndexOf("(?", i + 1, StringComparison.Ordinal))
        {
            var rest = pattern.AsSpan(i + 2);
            var known = rest.StartsWith(":") || rest.StartsWith("=") || rest.StartsWith("!") || rest.StartsWith("<=") || rest.StartsWith("<!");
            if (!known && !IsEscaped(pattern, i))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The pattern with its escapes removed, if it is a plain literal (no metacharacter left unescaped).</summary>
    private static bool TryUnescape(ReadOnlySpan<char> pattern, out string literal)
    {
        literal = "";
        var text = new StringBuilder(pattern.Length);
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\')
            {
                if (i + 1 >= pattern.Length || !IsLiteralEscape(pattern[i + 1]))
                {
                    return false;
                }

                c = pattern[++i];
            }
            else if (Metacharacters.Contains(c, StringComparison.Ordinal))
            {
                return false;
            }

            text.Append(c);
        }

        literal = text.ToString();
        return true;
    }

    /// <summary>Whether <c>\</c> followed by <paramref name="c"/> is that character itself: printable ASCII, not a word character.</summary>
    private static bool IsLiteralEscape(char c) => c is >= ' ' and <= '~' && !char.IsAsciiLetterOrDigit(c) && c != '_';

    /// <summary>Whether the character at <paramref name="index"/> follows an odd number of backslashes.</summary>
    private static bool IsEscaped(string pattern, int index)
    {
        var backslashes = 0;
        for (var k = index - 1; k >= 0 && pattern[k] == '\\'; k--)
        {
            backslashes++;
        }

        return backslashes % 2 == 1;
    }
}
