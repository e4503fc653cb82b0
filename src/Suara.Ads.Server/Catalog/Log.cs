namespace Suara.Ads.Server.Catalog;

/// <summary>The log messages of the Catalog area, by event id (ranges per area: CONTRIBUTING.md, "Adding to a flow").</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 30, Level = LogLevel.Information, Message = "The catalog changed while a change based on version {Version} was prepared; trying again")]
    public static partial void CatalogChangeConflict(this ILogger logger, long version);

    [LoggerMessage(EventId = 31, Level = LogLevel.Warning, Message = "A catalog change failed on Redis: {Error}")]
    public static partial void CatalogChangeFailed(this ILogger logger, string error);

    [LoggerMessage(EventId = 40, Level = LogLevel.Information, Message = "Catalog version {Version} in force ({Campaigns} campaigns)")]
    public static partial void CatalogLoaded(this ILogger logger, long version, int campaigns);

    [LoggerMessage(EventId = 41, Level = LogLevel.Error, Message = "Catalog version {Version} does not build; version {Serving} keeps serving: {Errors}")]
    public static partial void CatalogBuildFailed(this ILogger logger, long version, long serving, string errors);

    [LoggerMessage(EventId = 42, Level = LogLevel.Warning, Message = "Reading the catalog from Redis failed: {Error}")]
    public static partial void CatalogReadFailed(this ILogger logger, string error);

    [LoggerMessage(EventId = 43, Level = LogLevel.Warning, Message = "Redis is unreachable at start: serving the seed catalog (if any) until the catalog can be read")]
    public static partial void CatalogNoRedisAtStart(this ILogger logger);

    [LoggerMessage(EventId = 44, Level = LogLevel.Information, Message = "Imported seed catalog {Seed} ({Campaigns} campaigns) into the empty catalog")]
    public static partial void CatalogSeeded(this ILogger logger, string seed, int campaigns);

    [LoggerMessage(EventId = 45, Level = LogLevel.Warning, Message = "Subscribing to catalog change notices failed ({Error}); polling until Redis is back")]
    public static partial void CatalogSubscribeFailed(this ILogger logger, string error);

    [LoggerMessage(EventId = 46, Level = LogLevel.Information, Message = "Catalog version {Version} in force, changed from version {From} by the change log in {Milliseconds} ms")]
    public static partial void CatalogChangesApplied(this ILogger logger, long version, long from, double milliseconds);

    [LoggerMessage(EventId = 47, Level = LogLevel.Information, Message = "Catalog version {Version} read whole in {ReadMilliseconds} ms, validated and built in {BuildMilliseconds} ms, in force {PublishMilliseconds} ms later; {CpuMilliseconds} ms of process CPU, the GC paused {GcPauseMilliseconds} ms in {Collections} collections; {ReadMegabytes} MB allocated reading, {BuildMegabytes} MB building")]
    public static partial void CatalogLoadTimes(this ILogger logger, long version, double readMilliseconds, double buildMilliseconds, double publishMilliseconds, double cpuMilliseconds, double gcPauseMilliseconds, int collections, long readMegabytes, long buildMegabytes);

    // Next free id in this area: 48.
}
