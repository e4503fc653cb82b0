namespace Suara.Ads.Server.Delivery;

/// <summary>Refreshes the shared served totals (goals and pacing) about every second.</summary>
internal sealed class DeliveryRefresher : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly RedisDeliveryLedger _ledger;
    private readonly TimeProvider _time;

    public DeliveryRefresher(RedisDeliveryLedger ledger, TimeProvider time)
    {
        _ledger = ledger;
        _time = time;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await _ledger.RefreshAsync().ConfigureAwait(false);
            try
            {
                await Task.Delay(Interval, _time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }
}
