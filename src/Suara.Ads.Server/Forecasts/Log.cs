namespace Suara.Ads.Server.Forecasts;

/// <summary>The log messages of the Forecasts area, by event id (ranges per area: CONTRIBUTING.md, "Adding to a flow").</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 90, Level = LogLevel.Warning, Message = "Writing the traffic sample of site {Site} for {Day} failed ({Records} records dropped, counts kept for the next write): {Error}")]
    public static partial void SampleWriteFailed(this ILogger logger, string site, string day, int records, string error);

    [LoggerMessage(EventId = 91, Level = LogLevel.Information, Message = "Forecast for campaign {Campaign} from {From} to {To}: {Replayed} sampled requests replayed in {Milliseconds} ms")]
    public static partial void ForecastDone(this ILogger logger, string campaign, string from, string to, long replayed, long milliseconds);

    // Next free id in this area: 92.
}
