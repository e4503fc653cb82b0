namespace Suara.Ads.Core.Targeting;

/// <summary>
/// What a targeting rule is evaluated against: one slot of one page view.
/// </summary>
/// <remarks>
/// The decision engine fills one instance per request and only changes <see cref="Placement"/> between
/// slots, so evaluation reads plain fields and allocates nothing. Every string is non-null: a value the
/// request did not carry is the empty string. Comparisons are case-insensitive (ordinal ignore-case), so
/// values are stored as they arrive.
/// </remarks>
public sealed class TargetingContext
{
    private static readonly IReadOnlySet<string> s_noKeywords = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
    private static readonly IReadOnlyDictionary<string, string> s_noKv = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>ISO 3166-1 alpha-2 country of the viewer, e.g. <c>MY</c>.</summary>
    public string Country { get; set; } = "";

    /// <summary>Region (ISO 3166-2 subdivision code or name) of the viewer.</summary>
    public string Region { get; set; } = "";

    /// <summary><c>desktop</c>, <c>mobile</c> or <c>tablet</c>.</summary>
    public string Device { get; set; } = "";

    /// <summary>Operating system family, e.g. <c>android</c>, <c>ios</c>, <c>windows</c>.</summary>
    public string Os { get; set; } = "";

    /// <summary>Browser family, e.g. <c>chrome</c>, <c>safari</c>.</summary>
    public string Browser { get; set; } = "";

    /// <summary>Page language, e.g. <c>en</c> or <c>ms</c>.</summary>
    public string Language { get; set; } = "";

    /// <summary>Site id.</summary>
    public string Site { get; set; } = "";

    /// <summary>Placement id of the slot being decided.</summary>
    public string Placement { get; set; } = "";

    /// <summary>Page section, e.g. <c>news</c>.</summary>
    public string Section { get; set; } = "";

    /// <summary>Full page URL.</summary>
    public string Url { get; set; } = "";

    /// <summary>Path of the page URL, e.g. <c>/news/2026/11/story</c>.</summary>
    public string Path { get; set; } = "";

    /// <summary>Host of the referring page, e.g. <c>www.google.com</c>.</summary>
    public string Referrer { get; set; } = "";

    /// <summary>Page keywords; a case-insensitive set.</summary>
    public IReadOnlySet<string> Keywords { get; set; } = s_noKeywords;

    /// <summary>Hour of day, 0-23, in the site's time zone.</summary>
    public int Hour { get; set; }

    /// <summary>Day of week in the site's time zone.</summary>
    public DayOfWeek Weekday { get; set; }

    /// <summary>Key-values sent by the page (<c>kv.NAME</c>); keys are case-insensitive.</summary>
    public IReadOnlyDictionary<string, string> Kv { get; set; } = s_noKv;

    /// <summary>
    /// Makes this context a copy of <paramref name="source"/>, every field (references to the same keyword set and
    /// key-values): the engine decides on its own copy, so the caller's context is never written to. A test checks that
    /// no property is missed.
    /// </summary>
    internal void CopyFrom(TargetingContext source)
    {
        Country = source.Country;
        Region = source.Region;
        Device = source.Device;
        Os = source.Os;
        Browser = source.Browser;
        Language = source.Language;
        Site = source.Site;
        Placement = source.Placement;
        Section = source.Section;
        Url = source.Url;
        Path = source.Path;
        Referrer = source.Referrer;
        Keywords = source.Keywords;
        Hour = source.Hour;
        Weekday = source.Weekday;
        Kv = source.Kv;
    }

    /// <summary>Drops the references a copy holds to a request's collections.</summary>
    internal void Release()
    {
        Keywords = s_noKeywords;
        Kv = s_noKv;
    }

    /// <summary>The value of a string field (not <see cref="TargetingField.Keywords"/>, <see cref="TargetingField.Hour"/>, <see cref="TargetingField.Weekday"/> or <see cref="TargetingField.Kv"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="field"/> is not a string field.</exception>
    public string GetString(TargetingField field) => field switch
    {
        TargetingField.Country => Country,
        TargetingField.Region => Region,
        TargetingField.Device => Device,
        TargetingField.Os => Os,
        TargetingField.Browser => Browser,
        TargetingField.Language => Language,
        TargetingField.Site => Site,
        TargetingField.Placement => Placement,
        TargetingField.Section => Section,
        TargetingField.Url => Url,
        TargetingField.Path => Path,
        TargetingField.Referrer => Referrer,
        _ => throw new ArgumentOutOfRangeException(nameof(field)),
    };
}
