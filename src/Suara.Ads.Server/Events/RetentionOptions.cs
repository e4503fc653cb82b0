using System.ComponentModel.DataAnnotations;

namespace Suara.Ads.Server.Events;

/// <summary>
/// The <c>Ads:Reports</c> configuration section: how long counted events are kept (docs/reports.md, "Retention").
/// Every count is kept twice: by hour, for hourly reports, for <see cref="HourlyRetention"/>; and by site-local day,
/// for daily reports, for <see cref="DailyRetention"/>.
/// </summary>
public sealed class RetentionOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Ads:Reports";

    /// <summary>How long daily totals (and delivery totals and reach) are kept after their last write: 400 days.</summary>
    public static readonly TimeSpan DailyRetention = TimeSpan.FromDays(400);

    /// <summary>How long hourly detail is kept after its last write.</summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "400.00:00:00")]
    public TimeSpan HourlyRetention { get; set; } = TimeSpan.FromDays(90);

    /// <summary>
    /// How often an instance packs closed days of hourly counters (docs/redis.md, "Packed days"); <c>00:00:00</c> for
    /// never (a report that meets an unpacked closed day still has it packed).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan PackingInterval { get; set; } = TimeSpan.FromHours(1);
}
