using Microsoft.AspNetCore.Cors.Infrastructure;

namespace Suara.Ads.Server.Traffic;

/// <summary>
/// ASP.NET Core's CORS service, except that a response an endpoint marked with <see cref="Deny"/> gets no CORS grant:
/// the policy can only know the origin, while which site a decision is for is in its body. (The middleware writes
/// its headers when the response starts, after the endpoint ran, so the endpoint cannot simply remove them.)
/// </summary>
internal sealed class SiteCorsService : ICorsService
{
    private static readonly object s_denied = new();

    private readonly CorsService _inner;

    public SiteCorsService(CorsService inner) => _inner = inner;

    /// <summary>No CORS headers on this response.</summary>
    public static void Deny(HttpContext http) => http.Items[s_denied] = true;

    public CorsResult EvaluatePolicy(HttpContext context, CorsPolicy policy) => _inner.EvaluatePolicy(context, policy);

    public void ApplyResult(CorsResult result, HttpResponse response)
    {
        if (!response.HttpContext.Items.ContainsKey(s_denied))
        {
            _inner.ApplyResult(result, response);
        }
    }
}
