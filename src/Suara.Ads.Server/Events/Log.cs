namespace Suara.Ads.Server.Events;

/// <summary>The log messages of the Events area, by event id (ranges per area: CONTRIBUTING.md, "Adding to a flow").</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 20, Level = LogLevel.Warning, Message = "Redis is unreachable; keeping {Pending} counted events until it returns")]
    public static partial void CountsRedisAway(this ILogger logger, long pending);

    [LoggerMessage(EventId = 21, Level = LogLevel.Information, Message = "Redis is back; pending counts are being written")]
    public static partial void CountsRedisBack(this ILogger logger);

    [LoggerMessage(EventId = 22, Level = LogLevel.Warning, Message = "Writing counts of campaign {Campaign} failed, will retry: {Error}")]
    public static partial void CountsWriteFailed(this ILogger logger, string campaign, string error);

    [LoggerMessage(EventId = 29, Level = LogLevel.Warning, Message = "Marking {Count} campaigns' delivery changed failed, will retry at the next flush: {Error}")]
    public static partial void DeliveryMarksFailed(this ILogger logger, int count, string error);

    [LoggerMessage(EventId = 23, Level = LogLevel.Error, Message = "Stopped with {Pending} counted events not written to Redis")]
    public static partial void CountsLostAtStop(this ILogger logger, long pending);

    [LoggerMessage(EventId = 24, Level = LogLevel.Information, Message = "Stopping: writing {Pending} counted events held in memory to Redis")]
    public static partial void CountsDrainingAtStop(this ILogger logger, long pending);

    [LoggerMessage(EventId = 25, Level = LogLevel.Information, Message = "Stopped with every counted event written to Redis")]
    public static partial void CountsAllWrittenAtStop(this ILogger logger);

    [LoggerMessage(EventId = 26, Level = LogLevel.Information, Message = "Packed {Count} closed days of hourly counters")]
    public static partial void CountersPacked(this ILogger logger, int count);

    [LoggerMessage(EventId = 27, Level = LogLevel.Warning, Message = "Packing closed days of hourly counters failed; the next pass tries again: {Error}")]
    public static partial void CountersPackingFailed(this ILogger logger, string error);

    [LoggerMessage(EventId = 28, Level = LogLevel.Warning, Message = "Packing day {Day} of {Owner} failed; a later pass tries again: {Error}")]
    public static partial void CounterDayPackingFailed(this ILogger logger, long day, string owner, string error);

    // The area's ids (20-29) are all taken.
}
