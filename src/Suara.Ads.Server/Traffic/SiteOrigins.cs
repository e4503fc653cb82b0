using Suara.Ads.Core.Snapshot;

namespace Suara.Ads.Server.Traffic;

/// <summary>
/// Which pages may ask for a site's ads: a browser request names its page by <c>Origin</c> (or, without one,
/// <c>Referer</c>); its host must be one of the site's <c>domains</c> or a subdomain of one. A site without domains
/// accepts any page, a request naming no page (a server) is not a browser's, and a page served by the ad server itself
/// (same host, e.g. the demo) is always ours.
/// </summary>
internal static class SiteOrigins
{
    /// <summary>The host of the page the request comes from, or <c>null</c> when it names none.</summary>
    public static string? PageHost(HttpRequest request, out string? page)
    {
        page = request.Headers.Origin.ToString() is { Length: > 0 } origin ? origin : request.Headers.Referer.ToString();
        if (string.IsNullOrEmpty(page))
        {
            page = null;
            return null;
        }

        // "null" (a sandboxed or file page) or anything unparsable names no host a site could list.
        return Uri.TryCreate(page, UriKind.Absolute, out var uri) && uri.Host.Length > 0 ? uri.IdnHost : "";
    }

    /// <summary>Whether <paramref name="request"/> may ask for <paramref name="site"/>'s ads.</summary>
    public static bool Allows(CompiledSite site, HttpRequest request, out string? page)
    {
        var host = PageHost(request, out page);
        return host is null || site.Source.Domains.Count == 0 || IsSameHost(host, request) || Matches(site.Source.Domains, host);
    }

    /// <summary>Whether any site in <paramref name="snapshot"/> accepts pages of <paramref name="origin"/> (the CORS policy).</summary>
    public static bool AnySiteAllows(CatalogSnapshot snapshot, string origin)
    {
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri))
        {
            return false;
        }

        foreach (var site in snapshot.Sites.Values)
        {
            if (site.Source.Domains.Count == 0 || Matches(site.Source.Domains, uri.IdnHost))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsSameHost(string host, HttpRequest request) =>
        request.Host.HasValue && string.Equals(host, request.Host.Host, StringComparison.OrdinalIgnoreCase);

    private static bool Matches(IReadOnlyList<string> domains, string host)
    {
        foreach (var domain in domains)
        {
            var d = domain.Trim().TrimEnd('.');
            if (host.Equals(d, StringComparison.OrdinalIgnoreCase)
                || (host.Length > d.Length && host.EndsWith(d, StringComparison.OrdinalIgnoreCase) && host[host.Length - d.Length - 1] == '.'))
            {
                return true;
            }
        }

        return false;
    }
}
