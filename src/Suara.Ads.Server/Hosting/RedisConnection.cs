using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Suara.Ads.Server.Hosting;

/// <summary>
/// The one shared multiplexer. It never fails the start: with <c>AbortOnConnectFail = false</c> it keeps
/// reconnecting in the background, and callers check <see cref="IsConnected"/> to skip Redis while it is away.
/// </summary>
internal sealed class RedisConnection : IDisposable
{
    private readonly ConnectionMultiplexer _multiplexer;
    private readonly string _keyPrefix;

    public RedisConnection(IOptions<RedisOptions> options)
    {
        _keyPrefix = options.Value.KeyPrefix;
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

    /// <summary>
    /// Completes when Redis is reachable: at once when it is, else on the multiplexer's own reconnect signal. That signal
    /// comes per physical connection (commands and subscriptions), so it waits again until commands can go.
    /// </summary>
    public async Task WaitUntilConnectedAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var restored = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            void OnRestored(object? sender, ConnectionFailedEventArgs e) => restored.TrySetResult();
            _multiplexer.ConnectionRestored += OnRestored;
            try
            {
                if (_multiplexer.IsConnected)
                {
                    return;
                }

                await restored.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _multiplexer.ConnectionRestored -= OnRestored;
            }
        }
    }

    public IDatabase Database => _multiplexer.GetDatabase();

    /// <summary>The connection itself (for tests that profile what a request sends).</summary>
    internal IConnectionMultiplexer Multiplexer => _multiplexer;

    public ISubscriber Subscriber => _multiplexer.GetSubscriber();

    /// <summary>A key of this deployment: <c>Redis:KeyPrefix</c> then <paramref name="suffix"/> (the layout is in docs/redis.md).</summary>
    public RedisKey Key(string suffix) => new(_keyPrefix + suffix);

    public void Dispose() => _multiplexer.Dispose();
}
