namespace Suara.Ads.Core.Catalog;

/// <summary>A publisher site: one or more domains sharing placements and a time zone.</summary>
/// <remarks>
/// Properties with a default are <c>set</c>, not <c>init</c>: System.Text.Json's source generator passes every
/// init-only property through the object initializer, so a member missing from the JSON would overwrite its default
/// with null or 0 (dotnet/runtime#84484) and an admin PUT that omits an optional field would be refused. Treat
/// instances as immutable all the same: the catalog never changes one after it is read.
/// </remarks>
public sealed record Site
{
    /// <summary>The site id, <c>[a-z0-9][a-z0-9-]{0,63}</c>.</summary>
    public string Id { get; set; } = "";

    /// <summary>Display name.</summary>
    public string Name { get; set; } = "";

    /// <summary>Host names the site is served from (informational, used by reports and docs).</summary>
    public IReadOnlyList<string> Domains { get; set; } = [];

    /// <summary>IANA time zone in which <c>hour</c>, <c>weekday</c>, day goals and reports are reckoned.</summary>
    public string TimeZone { get; set; } = "UTC";
}
