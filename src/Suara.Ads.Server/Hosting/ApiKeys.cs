using System.Security.Claims;

namespace Suara.Ads.Server.Hosting;

/// <summary>Roles a bearer key can have (see docs/api.md).</summary>
internal static class Roles
{
    /// <summary>Everything: the catalog, explain, every report.</summary>
    public const string Admin = "admin";

    /// <summary>An advertiser's report key: that advertiser's reports only (<see cref="ApiKeys.AdvertiserClaim"/>).</summary>
    public const string Advertiser = "advertiser";

    /// <summary>A publisher's backend: decisions with viewer overrides (country, region, device).</summary>
    public const string Server = "server";

    /// <summary>Ad-ops: the catalog, explain, forecasts and every report (named keys: docs/api.md).</summary>
    public const string Trafficker = "trafficker";

    /// <summary>Reads the catalog and every report.</summary>
    public const string Reporter = "reporter";
}

/// <summary>Authorization policies, set on endpoint groups. A new role is one more name in a policy.</summary>
internal static class Policies
{
    /// <summary>What only the admin role may do: named keys (<c>/v1/admin/keys</c>).</summary>
    public const string Admin = "admin";

    /// <summary>Reading the catalog and its audit (<c>GET /v1/admin/*</c>): admin, trafficker, reporter.</summary>
    public const string CatalogRead = "catalog-read";

    /// <summary>Changing the catalog (<c>PUT</c>, <c>DELETE</c>, imports, report keys): admin, trafficker.</summary>
    public const string CatalogWrite = "catalog-write";

    /// <summary><c>/v1/reports</c>; which advertiser a key may read is checked per report (<see cref="ApiKeys.MayReadReportsOf"/>).</summary>
    public const string Reports = "reports";

    /// <summary>The publisher's report of a site's inventory (<c>/v1/reports/sites</c>): admin, trafficker or reporter; never an advertiser's key.</summary>
    public const string SiteReports = "site-reports";

    /// <summary><c>?explain=true</c> on decisions.</summary>
    public const string Explain = "explain";

    /// <summary>Viewer overrides in a decision's body (<c>country</c>, <c>region</c>, <c>device</c>, <c>os</c>, <c>browser</c>).</summary>
    public const string DecisionOverrides = "decision-overrides";
}

/// <summary>Who made a change: the name of the key (<c>admin key</c>, a named key's name) and its fingerprint.</summary>
internal sealed record Actor(string Name, string Fingerprint)
{
    /// <summary>The seed catalog, imported at start.</summary>
    public static readonly Actor Seed = new("seed", "seed");
}

/// <summary>Who a bearer key belongs to.</summary>
/// <param name="Name">Shown in the audit trail and logs.</param>
/// <param name="Role">One of <see cref="Roles"/>.</param>
/// <param name="AdvertiserId">For a report key, its advertiser.</param>
internal sealed record ApiKeyIdentity(string Name, string Role, string? AdvertiserId = null);

/// <summary>
/// Finds who a presented bearer key belongs to, or <c>null</c>. Each kind of key has one (the admin key, advertisers'
/// report keys); the authentication handler asks them in turn. Implementations compare in constant time.
/// </summary>
internal interface IApiKeyResolver
{
    ValueTask<ApiKeyIdentity?> ResolveAsync(string key, CancellationToken cancellationToken);
}

/// <summary>The bearer-key scheme's names and the claims it issues.</summary>
internal static class ApiKeys
{
    /// <summary>The authentication scheme.</summary>
    public const string Scheme = "Bearer";

    /// <summary>Claim: the advertiser whose report key was presented.</summary>
    public const string AdvertiserClaim = "suara:advertiser";

    /// <summary>Claim: the fingerprint of the presented key (<see cref="SecretComparer.Fingerprint"/>).</summary>
    public const string FingerprintClaim = "suara:key-fingerprint";

    /// <summary>The fingerprint of the key that authenticated <paramref name="user"/>, for the audit trail.</summary>
    public static string KeyFingerprint(this ClaimsPrincipal user) => user.FindFirstValue(FingerprintClaim) ?? "";

    /// <summary>Who made a change, for the audit trail: the key's name and fingerprint, never the key.</summary>
    public static Actor Actor(this ClaimsPrincipal user) => new(user.Identity?.Name ?? "", user.KeyFingerprint());

    /// <summary>Whether <paramref name="user"/> may read the reports of <paramref name="advertiserId"/>.</summary>
    public static bool MayReadReportsOf(this ClaimsPrincipal user, string? advertiserId) =>
        user.IsInRole(Roles.Admin) || user.IsInRole(Roles.Trafficker) || user.IsInRole(Roles.Reporter)
        || (advertiserId is not null && user.FindFirstValue(AdvertiserClaim) == advertiserId);
}

/// <summary>Endpoint metadata: what a 401 from this endpoint tells the caller to send.</summary>
/// <param name="Detail">The problem's detail, e.g. which key the endpoint needs.</param>
internal sealed record KeyHint(string Detail);
