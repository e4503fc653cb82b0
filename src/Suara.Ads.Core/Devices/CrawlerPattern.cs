namespace Suara.Ads.Core.Devices;

/// <summary>One pattern of the crawler list and how it is matched.</summary>
/// <param name="Source">The pattern as written in the list (a regular expression).</param>
/// <param name="Kind">How it is matched.</param>
/// <param name="Literal">The unescaped literal of a <see cref="CrawlerPatternKind.Literal"/>, <see cref="CrawlerPatternKind.Prefix"/> or <see cref="CrawlerPatternKind.Suffix"/> pattern; empty for a regex.</param>
/// <param name="Prefilters">
/// For a <see cref="CrawlerPatternKind.Regex"/>: literals of which at least one occurs (ordinal) in every string the regex
/// matches, one per top-level alternative; empty when none could be derived, and then the regex runs on every input.
/// </param>
internal sealed record CrawlerPattern(string Source, CrawlerPatternKind Kind, string Literal, IReadOnlyList<string> Prefilters)
{
    /// <summary>Whether this is a regex without prefilter, run on every input.</summary>
    public bool IsUnfiltered => Kind == CrawlerPatternKind.Regex && Prefilters.Count == 0;
}
