namespace Suara.Ads.Server.Hosting;

/// <summary>The log messages of the Hosting area, by event id (ranges per area: CONTRIBUTING.md, "Adding to a flow").</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "No Ads:AdminKey is configured; generated an admin key, kept in Redis and shared by every instance: {AdminKey}")]
    public static partial void AdminKeyGenerated(this ILogger logger, string adminKey);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Could not read the shared signing key from Redis: {Error}")]
    public static partial void SigningKeyReadFailed(this ILogger logger, string error);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "No Ads:SigningKey and no Redis at start: using a key for this process only; event URLs it issues verify only here")]
    public static partial void SigningKeyLocal(this ILogger logger);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "No Ads:AdminKey is configured; using the admin key kept in Redis (logged when it was generated)")]
    public static partial void AdminKeyShared(this ILogger logger);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "No Ads:AdminKey is configured and Redis is unreachable; admin key for this process only: {AdminKey}")]
    public static partial void AdminKeyLocal(this ILogger logger, string adminKey);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "Could not read the shared admin key from Redis: {Error}")]
    public static partial void AdminKeyReadFailed(this ILogger logger, string error);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "A bearer key was refused for client {Client} (the key is not logged)")]
    public static partial void KeyRefused(this ILogger logger, string client);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "Client {Client} presented more than {Limit} unknown keys in a minute: its keys get 429 until a quieter minute")]
    public static partial void KeysHeldOff(this ILogger logger, string client, int limit);

    [LoggerMessage(EventId = 9, Level = LogLevel.Information, Message = "{Method} {Path}: a bad request from the client, answered {Status}: {Reason}")]
    public static partial void BadClientRequest(this ILogger logger, string method, string path, int status, string reason);

    [LoggerMessage(EventId = 10, Level = LogLevel.Debug, Message = "{Method} {Path}: the client went away before the answer")]
    public static partial void ClientWentAway(this ILogger logger, string method, string path);

    // Next free id in this area: 11.
}
