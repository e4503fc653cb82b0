using System.ComponentModel.DataAnnotations;

namespace Suara.Ads.Server.Traffic;

/// <summary>
/// The <c>Ads:Traffic</c> configuration section: where the client address comes from, the rate limits (429) and the
/// flood limits (answered, counted as invalid). Documented in docs/invalid-traffic.md.
/// </summary>
public sealed class TrafficOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Ads:Traffic";

    /// <summary>
    /// Request header set by the trusted proxy or CDN in front of the server with the client's address
    /// (<c>X-Forwarded-For</c>: its last entry is used; <c>CF-Connecting-IP</c>, <c>X-Real-IP</c>). Unset: the
    /// connection's address. Only set it when every request passes that proxy, or clients choose their address.
    /// </summary>
    public string? ClientAddressHeader { get; set; }

    /// <summary>Decision requests (<c>/v1/decisions</c>, <c>/v1/slot.html</c>) one client address may make per minute before 429.</summary>
    [Range(1, 10_000_000)]
    public int DecisionsPerMinute { get; set; } = 1_200;

    /// <summary>Event beacons one client address may send per minute before 429.</summary>
    [Range(1, 10_000_000)]
    public int EventsPerMinute { get; set; } = 6_000;

    /// <summary>Decisions per minute for one viewer id beyond which they count as invalid (flood).</summary>
    [Range(1, 10_000_000)]
    public int FloodDecisionsPerViewer { get; set; } = 60;

    /// <summary>Beacons per minute for one viewer beyond which they count as invalid (flood).</summary>
    [Range(1, 10_000_000)]
    public int FloodEventsPerViewer { get; set; } = 240;

    /// <summary>Decisions per minute from one client address beyond which they count as invalid (flood).</summary>
    [Range(1, 10_000_000)]
    public int FloodDecisionsPerAddress { get; set; } = 600;

    /// <summary>Beacons per minute from one client address beyond which they count as invalid (flood).</summary>
    [Range(1, 10_000_000)]
    public int FloodEventsPerAddress { get; set; } = 3_000;
}
