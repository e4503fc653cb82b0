using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Suara.Ads.Server.Hosting;

namespace Suara.Ads.Server.Traffic;

/// <summary>
/// Rate limits per client address on the public endpoints (ASP.NET Core's rate limiter, token buckets refilled every
/// second): beyond them a request gets 429 with <c>Retry-After</c> and is not looked at. A request with a bearer key
/// is not limited by address (a publisher's backend speaks for many viewers); a wrong key is refused by its endpoint.
/// </summary>
internal static class RateLimits
{
    public const string Decisions = "decisions";
    public const string Events = "events";

    public static void Configure(RateLimiterOptions options, TrafficOptions traffic)
    {
        options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        options.AddPolicy(Decisions, http => Partition(http, traffic, traffic.DecisionsPerMinute));
        options.AddPolicy(Events, http => Partition(http, traffic, traffic.EventsPerMinute));
        options.OnRejected = async (context, cancellationToken) =>
        {
            context.HttpContext.Response.Headers.RetryAfter = "1";
            var problem = Problems.TooManyRequests(
                "More requests came from this client address than the rate limit allows; try again in a second. The limits are in docs/invalid-traffic.md.");
            await problem.ExecuteAsync(context.HttpContext).ConfigureAwait(false);
        };
    }

    private static RateLimitPartition<string> Partition(HttpContext http, TrafficOptions traffic, int perMinute)
    {
        if (http.Request.Headers.Authorization.Count > 0)
        {
            return RateLimitPartition.GetNoLimiter("key");
        }

        // A burst of a tenth of the minute's allowance (at least 20), refilled evenly every second.
        var perSecond = Math.Max(1, perMinute / 60);
        var burst = Math.Max(20, perMinute / 10);
        return RateLimitPartition.GetTokenBucketLimiter(ClientAddress.Of(http, traffic), _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = burst,
            TokensPerPeriod = perSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }

    /// <summary>For logs and docs: the effective burst and refill of a per-minute limit.</summary>
    public static string Describe(int perMinute) =>
        string.Create(CultureInfo.InvariantCulture, $"{Math.Max(20, perMinute / 10)} at once, then {Math.Max(1, perMinute / 60)}/s");
}
