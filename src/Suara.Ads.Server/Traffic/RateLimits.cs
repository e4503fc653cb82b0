using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Suara.Ads.Server.Hosting;

namespace Suara.Ads.Server.Traffic;

/// <summary>
/// Rate limits per client address on the public endpoints (ASP.NET Core's rate limiter, token buckets refilled every
/// second): beyond them a request gets 429 with <c>Retry-After</c> and is not looked at. A request with a bearer key
/// (a publisher's backend, speaking for many viewers from one address) has a bucket of its own per address,
/// <see cref="KeyedFactor"/> times larger: generous for a backend, and still a bound on guessing keys.
/// </summary>
internal static class RateLimits
{
    public const string Decisions = "decisions";
    public const string Events = "events";

    /// <summary>How many times the page limit a keyed caller gets, per address.</summary>
    public const int KeyedFactor = 100;

    public static void Configure(RateLimiterOptions options, TrafficOptions traffic)
    {
        options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        options.AddPolicy(Decisions, Policy(traffic, traffic.DecisionsPerMinute));
        options.AddPolicy(Events, Policy(traffic, traffic.EventsPerMinute));
        options.OnRejected = async (context, cancellationToken) =>
        {
            context.HttpContext.Response.Headers.RetryAfter = "1";
            var path = context.HttpContext.Request.Path;
            context.HttpContext.RequestServices.GetService<AdsMetrics>()?.RateLimited(
                path.StartsWithSegments("/v1/decisions") ? "decisions" : path.StartsWithSegments("/v1/events") ? "events" : path.StartsWithSegments("/v1/slot.html") ? "slot" : "other");
            var problem = Problems.TooManyRequests(
                "More requests came from this client address than the rate limit allows; try again in a second. The limits are in docs/invalid-traffic.md.");
            await problem.ExecuteAsync(context.HttpContext).ConfigureAwait(false);
        };
    }

    // The buckets' options are made once per policy, not per request: the limiter calls a factory only for a new address.
    private static Func<HttpContext, RateLimitPartition<string>> Policy(TrafficOptions traffic, int perMinute)
    {
        var page = Bucket(perMinute);
        var keyed = Bucket((int)Math.Min(int.MaxValue, (long)perMinute * KeyedFactor));
        Func<string, TokenBucketRateLimiterOptions> pageBucket = _ => page;
        Func<string, TokenBucketRateLimiterOptions> keyedBucket = _ => keyed;
        return http =>
        {
            var address = ClientAddress.Of(http, traffic);
            return http.Request.Headers.Authorization.Count > 0
                ? RateLimitPartition.GetTokenBucketLimiter("key " + address, keyedBucket)
                : RateLimitPartition.GetTokenBucketLimiter(address, pageBucket);
        };
    }

    // A burst of a tenth of the minute's allowance (at least 20), refilled evenly every second.
    private static TokenBucketRateLimiterOptions Bucket(int perMinute) => new()
    {
        TokenLimit = Math.Max(20, perMinute / 10),
        TokensPerPeriod = Math.Max(1, perMinute / 60),
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    /// <summary>For logs and docs: the effective burst and refill of a per-minute limit.</summary>
    public static string Describe(int perMinute) =>
        string.Create(CultureInfo.InvariantCulture, $"{Math.Max(20, perMinute / 10)} at once, then {Math.Max(1, perMinute / 60)}/s");
}
