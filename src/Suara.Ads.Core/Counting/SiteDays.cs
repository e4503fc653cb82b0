namespace Suara.Ads.Core.Counting;

/// <summary>
/// The site-local day of a UTC hour: the day its start falls on in the site's time zone. (In a zone with a half-hour
/// offset an hour straddles two local days; it counts in the one it starts in, as in hourly reports.)
/// </summary>
public readonly struct SiteDays
{
    private readonly TimeZoneInfo _zone;

    /// <summary>Days of <paramref name="zone"/>.</summary>
    public SiteDays(TimeZoneInfo zone) => _zone = zone;

    /// <summary>The local day of <paramref name="utcHour"/> (hours since the Unix epoch).</summary>
    public DateOnly Of(long utcHour) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeSeconds(utcHour * 3600), _zone ?? TimeZoneInfo.Utc).DateTime);
}
