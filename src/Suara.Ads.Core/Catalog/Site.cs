namespace Suara.Ads.Core.Catalog;

/// <summary>A publisher site: one or more domains sharing placements and a time zone.</summary>
public sealed record Site
{
    /// <summary>The site id, <c>[a-z0-9][a-z0-9-]{0,63}</c>.</summary>
    public string Id { get; init; } = "";

    /// <summary>Display name.</summary>
    public string Name { get; init; } = "";

    /// <summary>Host names the site is served from (informational, used by reports and docs).</summary>
    public IReadOnlyList<string> Domains { get; init; } = [];

    /// <summary>IANA time zone in which <c>hour</c>, <c>weekday</c>, day goals and reports are reckoned.</summary>
    public string TimeZone { get; init; } = "UTC";
}
