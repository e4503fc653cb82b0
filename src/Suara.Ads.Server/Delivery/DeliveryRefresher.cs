using Suara.Ads.Core.Snapshot;

namespace Suara.Ads.Server.Delivery;

/// <summary>
/// Refreshes the shared delivery totals about every second, and at once when a new catalog is in force (so a campaign
/// just added is known within a Redis round trip rather than a second).
/// </summary>
internal sealed class DeliveryRefresher : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly RedisDeliveryLedger _ledger;
    private readonly CatalogSnapshotHolder _catalog;
    private readonly TimeProvider _time;

    public DeliveryRefresher(RedisDeliveryLedger ledger, CatalogSnapshotHolder catalog, TimeProvider time)
    {
        _ledger = ledger;
        _catalog = catalog;
        _time = time;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var refreshed = await _ledger.RefreshAsync().ConfigureAwait(false);

            // Wake for any catalog newer than the one this refresh read (one published meanwhile is read at once); after a
            // failed one, newer than the one in force (waiting for "any" catalog returned at once: with Redis away the
            // loop spun, a core busy).
            var version = refreshed ? _ledger.LoadedVersion : _catalog.Current.Version;
            using var wake = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            try
            {
                // Until the first read succeeds, retry soon; after it, every Interval or on a newer catalog.
                var delay = Task.Delay(refreshed || _ledger.IsLoaded ? Interval : TimeSpan.FromMilliseconds(100), _time, wake.Token);
                var newer = _catalog.WaitForVersionAsync(version + 1, wake.Token);
                await Task.WhenAny(delay, newer).ConfigureAwait(false);
                await wake.CancelAsync().ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }
}
