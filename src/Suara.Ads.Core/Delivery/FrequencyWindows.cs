using Suara.Ads.Core.Catalog;

namespace Suara.Ads.Core.Delivery;

/// <summary>
/// Frequency caps count in calendar windows of the site's time zone: the clock hour, the day, the week
/// starting Monday, or the whole flight. A window is a number that names the period and its start.
/// </summary>
public static class FrequencyWindows
{
    private const long PeriodShift = 1L << 40;

    /// <summary>The window containing <paramref name="siteLocalNow"/> for <paramref name="period"/>.</summary>
    public static long Key(CapPeriod period, DateTime siteLocalNow) => period switch
    {
        CapPeriod.Hour => (1 * PeriodShift) + (siteLocalNow.Ticks / TimeSpan.TicksPerHour),
        CapPeriod.Day => (2 * PeriodShift) + (siteLocalNow.Ticks / TimeSpan.TicksPerDay),
        // 0001-01-01 was a Monday, so whole weeks since then start on Mondays.
        CapPeriod.Week => (3 * PeriodShift) + (siteLocalNow.Ticks / TimeSpan.TicksPerDay / 7),
        _ => 4 * PeriodShift,
    };

    /// <summary>
    /// The oldest window of <paramref name="period"/> (hour, day or week) that may still be current in some time zone at
    /// <paramref name="utcNow"/>: site-local time is never more than 12 hours behind UTC, so a window older than the one of
    /// UTC 14 hours ago (2 hours' margin) has ended everywhere, and no decision reads it again.
    /// </summary>
    public static long OldestLive(CapPeriod period, DateTimeOffset utcNow) => Key(period, utcNow.UtcDateTime - TimeSpan.FromHours(14));

    /// <summary>How long a window's count must be kept: the rest of the window, and a little more.</summary>
    public static TimeSpan Retention(CapPeriod period, DateTimeOffset flightEnd, DateTimeOffset now) => period switch
    {
        CapPeriod.Hour => TimeSpan.FromHours(2),
        CapPeriod.Day => TimeSpan.FromDays(2),
        CapPeriod.Week => TimeSpan.FromDays(8),
        _ => flightEnd == DateTimeOffset.MaxValue ? TimeSpan.FromDays(400) : (flightEnd - now) + TimeSpan.FromDays(1),
    };
}
