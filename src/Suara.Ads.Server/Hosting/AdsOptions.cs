using System.ComponentModel.DataAnnotations;

namespace Suara.Ads.Server.Hosting;

/// <summary>The <c>Ads</c> configuration section.</summary>
public sealed class AdsOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Ads";

    /// <summary>Bearer key for the admin API, explain and all reports; 16+ characters. Generated and logged once when unset.</summary>
    [MinLength(16)]
    public string? AdminKey { get; set; }

    /// <summary>HMAC secret for event tokens, the same on every instance; 32+ characters. Generated when unset.</summary>
    [MinLength(32)]
    public string? SigningKey { get; set; }

    /// <summary><c>demo</c> or a path to a catalog JSON file, imported at start when the catalog is empty.</summary>
    public string? Seed { get; set; }

    /// <summary>Whether the demo site (<c>/demo/</c>) is served; unset: only when <see cref="Seed"/> is <c>demo</c>.</summary>
    public bool? Demo { get; set; }

    /// <summary>
    /// Whether the server's own instruments (meter <c>Suara.Ads</c>) are exported at <c>/metrics</c>; ASP.NET Core's and
    /// the runtime's always are. Off only to measure what the instruments cost.
    /// </summary>
    public bool Metrics { get; set; } = true;

    /// <summary>Request header carrying the viewer's ISO country, set by a CDN.</summary>
    [Required]
    public string TrustedCountryHeader { get; set; } = "CF-IPCountry";

    /// <summary>Request header carrying the viewer's region, set by a CDN.</summary>
    [Required]
    public string TrustedRegionHeader { get; set; } = "CF-Region-Code";

    /// <summary>How often counted events are written to Redis.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// How often the viewers of impressions counted in groups are added to the campaigns' reach sketches (docs/redis.md,
    /// "Reach"): one command per campaign and day with viewers per interval; reports' reach lags by up to this much.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan ReachInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Whether counting writes the counting-group layout (docs/redis.md, "Counting groups": one script per group of
    /// campaigns per flush, tokens of version 4) rather than a script per campaign. On by default. Set it false for the
    /// first deploy of a rolling upgrade from a version without the groups (an instance of that version answers a
    /// version-4 token with 400), then remove it once every instance runs this version. Reports and delivery read both
    /// layouts either way, and events of version-4 tokens are counted in their group whatever this says.
    /// </summary>
    public bool CountingGroups { get; set; } = true;

    /// <summary>Most counted events held in memory while Redis is away; beyond it new events are refused and counted as dropped.</summary>
    [Range(1_000, 100_000_000)]
    public long MaxPendingEvents { get; set; } = 2_000_000;

    /// <summary>How long the audit trail keeps an entry (and at most its newest 10,000 entries).</summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "3650.00:00:00")]
    public TimeSpan AuditRetention { get; set; } = TimeSpan.FromDays(400);

    /// <summary>
    /// Share of decision requests recorded (anonymised) in the traffic sample that forecasts replay, 0 (none) to 1. A
    /// request with a viewer is sampled by its viewer, so a sampled viewer's every request is recorded.
    /// </summary>
    [Range(0.0, 1.0)]
    public double TrafficSampleRate { get; set; } = 0.01;

    /// <summary>How long a day of the traffic sample (and its counts) is kept.</summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "400.00:00:00")]
    public TimeSpan TrafficSampleRetention { get; set; } = TimeSpan.FromDays(28);

    /// <summary>Most records the traffic sample keeps per site and site-local hour (all instances together): the bound on its size.</summary>
    [Range(1, 1_000_000)]
    public int TrafficSampleMaxPerHour { get; set; } = 5_000;

    /// <summary>
    /// Absolute base URL of this ad server as pages reach it (e.g. <c>https://ads.example</c>), used in creative
    /// markup (click, beacon and image links). Required outside Development; there, when unset, the scheme and host
    /// of each request are used.
    /// </summary>
    public string? PublicBaseUrl { get; set; }
}
