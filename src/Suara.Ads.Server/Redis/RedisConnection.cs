using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Suara.Ads.Server.Options;

namespace Suara.Ads.Server.Redis;

/// <summary>
/// The one shared multiplexer. It never fails the start: with <c>AbortOnConnectFail = false</c> it keeps
/// reconnecting in the background, and callers check <see cref="IsConnected"/> to skip Redis while it is away.
/// </summary>
internal sealed class RedisConnection : IDisposable
{
    private readonly ConnectionMultiplexer _multiplexer;

    public RedisConnection(IOptions<RedisOptions> options)
    {
        var config = ConfigurationOptions.Parse(options.Value.Configuration);
        config.AbortOnConnectFail = false;
        config.ConnectRetry = 1;
        config.ConnectTimeout = Math.Min(config.ConnectTimeout, 2_000);
        config.SyncTimeout = Math.Min(config.SyncTimeout, 2_000);
        config.AsyncTimeout = Math.Min(config.AsyncTimeout, 2_000);
        config.ReconnectRetryPolicy = new LinearRetry(500);
        config.ClientName ??= "suara-ads";
        _multiplexer = ConnectionMultiplexer.Connect(config);
    }

    public bool IsConnected => _multiplexer.IsConnected;

    public IDatabase Database => _multiplexer.GetDatabase();

    public ISubscriber Subscriber => _multiplexer.GetSubscriber();

    public void Dispose() => _multiplexer.Dispose();
}
