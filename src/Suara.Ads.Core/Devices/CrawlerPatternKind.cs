namespace Suara.Ads.Core.Devices;

/// <summary>How <see cref="CrawlerPatternSet"/> matches one pattern of the crawler list.</summary>
internal enum CrawlerPatternKind
{
    /// <summary>A plain literal once its escapes are removed: found by one ordinal substring search shared by all literals.</summary>
    Literal,

    /// <summary><c>^</c> and a literal: an ordinal <c>StartsWith</c>.</summary>
    Prefix,

    /// <summary>A literal and <c>$</c>: an ordinal <c>EndsWith</c> (also before a final <c>\n</c>, as .NET's <c>$</c> allows).</summary>
    Suffix,

    /// <summary>Anything else: the real regex, run only when one of its prefilter literals occurs (always, when it has none).</summary>
    Regex,
}
