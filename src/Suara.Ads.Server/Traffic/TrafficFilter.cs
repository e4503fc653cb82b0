using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.Options;
using Suara.Ads.Core.Counting;
using Suara.Ads.Core.Devices;

namespace Suara.Ads.Server.Traffic;

/// <summary>
/// Tells general invalid traffic (docs/invalid-traffic.md) from real views, on the request path: prefetch and
/// prerender, beacons without a User-Agent, known crawlers (the vendored list), and floods. What it finds is answered
/// as usual but counted only as <c>invalid</c>, by reason. (A viewable or click without a counted impression is found
/// where impressions are known: by the counting script.)
/// </summary>
internal sealed class TrafficFilter
{
    private readonly FloodGuard _floods;
    private readonly TrafficOptions _options;

    public TrafficFilter(FloodGuard floods, IOptions<TrafficOptions> options)
    {
        _floods = floods;
        _options = options.Value;
    }

    /// <summary>
    /// Why a decision request is invalid, or <see cref="InvalidReason.None"/>; <paramref name="fromBot"/> is the mapped
    /// request's (its User-Agent was classified once, with its device). A <paramref name="server"/> caller (a
    /// publisher's backend, by its key) speaks for its viewers: its own User-Agent and address say nothing about them, so
    /// only the viewer's flood limit applies.
    /// </summary>
    public InvalidReason ForDecision(HttpContext http, string? viewer, bool fromBot, bool server)
    {
        if (server)
        {
            return _floods.Decision(viewer, address: null) ? InvalidReason.Flood : InvalidReason.None;
        }

        if (IsPrefetch(http.Request))
        {
            return InvalidReason.Prefetch;
        }

        if (fromBot)
        {
            return InvalidReason.Bot;
        }

        return _floods.Decision(viewer, ClientAddress.Of(http, _options)) ? InvalidReason.Flood : InvalidReason.None;
    }

    /// <summary>Why a beacon is invalid, or <see cref="InvalidReason.None"/>.</summary>
    public InvalidReason ForEvent(HttpContext http, string? viewer)
    {
        var request = http.Request;
        if (IsPrefetch(request))
        {
            return InvalidReason.Prefetch;
        }

        var agent = request.Headers.UserAgent.ToString();
        if (string.IsNullOrWhiteSpace(agent))
        {
            return InvalidReason.NoUserAgent;
        }

        if (IsBot(http, agent))
        {
            return InvalidReason.Bot;
        }

        return _floods.Event(viewer, ClientAddress.Of(http, _options)) ? InvalidReason.Flood : InvalidReason.None;
    }

    /// <summary>
    /// Whether <paramref name="agent"/> is a known crawler, remembered per connection: a page's beacons arrive on one
    /// keep-alive connection with the same User-Agent (Kestrel hands out the same string while the bytes do not change),
    /// so the list is matched once per connection and agent rather than once per beacon.
    /// </summary>
    private static bool IsBot(HttpContext http, string agent)
    {
        var items = http.Features.Get<IConnectionItemsFeature>()?.Items;
        if (items is not null && items.TryGetValue(s_verdictKey, out var cached) && cached is Verdict known && string.Equals(known.Agent, agent, StringComparison.Ordinal))
        {
            return known.Bot;
        }

        var bot = UserAgentClassifier.IsBot(agent);
        if (items is not null)
        {
            items[s_verdictKey] = new Verdict(agent, bot);
        }

        return bot;
    }

    private static readonly object s_verdictKey = new();

    private sealed record Verdict(string Agent, bool Bot);

    /// <summary>
    /// A speculative load: <c>Sec-Purpose: prefetch</c> (also <c>prefetch;prerender</c>), or the older <c>Purpose</c> /
    /// <c>X-Purpose</c> / <c>X-Moz</c> headers saying <c>prefetch</c> or <c>preview</c>.
    /// </summary>
    public static bool IsPrefetch(HttpRequest request)
    {
        var xPurpose = request.Headers["X-Purpose"].ToString();
        return Says(request.Headers["Sec-Purpose"].ToString(), "prefetch")
            || Says(request.Headers["Purpose"].ToString(), "prefetch")
            || Says(xPurpose, "preview")
            || Says(xPurpose, "prefetch")
            || Says(request.Headers["X-Moz"].ToString(), "prefetch");
    }

    private static bool Says(string header, string token) => header.Contains(token, StringComparison.OrdinalIgnoreCase);
}
