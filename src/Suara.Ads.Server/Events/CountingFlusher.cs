using Microsoft.Extensions.Options;
using Suara.Ads.Core.Counting;
using Suara.Ads.Core.Delivery;
using Suara.Ads.Server.Delivery;
using Suara.Ads.Server.Hosting;

namespace Suara.Ads.Server.Events;

/// <summary>
/// Writes the aggregate to Redis every <c>Ads:FlushInterval</c>, one atomic script per campaign, all pipelined.
/// While Redis is away the batches wait (bounded) and are retried, unchanged, when it returns; a graceful stop
/// flushes before the process ends. The reach of group batches is held (<see cref="ReachBuffer"/>) and written every
/// <c>Ads:ReachInterval</c> by the same loop, and at a graceful stop.
/// </summary>
internal sealed class CountingFlusher : BackgroundService
{
    /// <summary>How long a graceful stop keeps trying to write what is pending.</summary>
    public static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(10);

    private readonly EventAggregate _aggregate;
    private readonly RedisCounterStore _store;
    private readonly GroupCounterStore _groups;
    private readonly ReachBuffer _reach;
    private readonly FrequencyWriteQueue _frequency;
    private readonly RedisFrequencyStore _viewers;
    private readonly RedisDeliveryLedger _delivery;
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly ILogger<CountingFlusher> _logger;
    private readonly AdsMetrics _metrics;
    private readonly SemaphoreSlim _flushing = new(1, 1);
    private readonly HashSet<string> _unmarked = new(StringComparer.Ordinal); // written, not yet marked changed for the other instances' reads
    private bool _outageLogged;

    public CountingFlusher(EventAggregate aggregate, RedisCounterStore store, GroupCounterStore groups, ReachBuffer reach, FrequencyWriteQueue frequency, RedisFrequencyStore viewers, RedisDeliveryLedger delivery, TimeProvider time, IOptions<AdsOptions> options, ILogger<CountingFlusher> logger, AdsMetrics metrics)
    {
        _aggregate = aggregate;
        _store = store;
        _groups = groups;
        _reach = reach;
        _frequency = frequency;
        _viewers = viewers;
        _delivery = delivery;
        _time = time;
        _interval = options.Value.FlushInterval;
        _logger = logger;
        _metrics = metrics;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_interval, _time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            await FlushAsync(reachNow: false).ConfigureAwait(false);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);

        // Drain: keep flushing until nothing is pending or the drain time is up. Real time on purpose: a stop must end
        // even where the injected clock stands still.
        _logger.CountsDrainingAtStop(_aggregate.Pending);
        var deadline = DateTime.UtcNow + DrainTimeout;
        while (true)
        {
            await FlushAsync().ConfigureAwait(false);
            if ((_aggregate.Pending == 0 && _frequency.Pending == 0 && _reach.Held == 0) || DateTime.UtcNow > deadline)
            {
                break;
            }

            await Task.Delay(100, CancellationToken.None).ConfigureAwait(false);
        }

        if (_aggregate.Pending > 0)
        {
            _logger.CountsLostAtStop(_aggregate.Pending);
        }
        else
        {
            _logger.CountsAllWrittenAtStop();
        }
    }

    /// <summary>Writes everything pending once, the reach held included. Safe to call at any time (tests call it directly).</summary>
    public Task FlushAsync() => FlushAsync(reachNow: true);

    /// <summary>
    /// Writes the counts pending once, and the reach held when it is due (every <c>Ads:ReachInterval</c>, or sooner when
    /// its bound is reached) or <paramref name="reachNow"/>: the loop's flush with <c>false</c>.
    /// </summary>
    public async Task FlushAsync(bool reachNow)
    {
        await _flushing.WaitAsync().ConfigureAwait(false);
        try
        {
            List<TokenEvent> confirmed = [];
            var batches = _aggregate.TakeBatches();
            if (batches.Count > 0)
            {
                if (!_store.IsAvailable)
                {
                    // Redis is away: do not wait on timeouts, keep everything for the next round.
                    foreach (var batch in batches)
                    {
                        _aggregate.Return(batch);
                    }

                    _metrics.FlushBatches("deferred", batches.Count);
                    LogOutage(_aggregate.Pending);
                }
                else
                {
                    var started = System.Diagnostics.Stopwatch.GetTimestamp();
                    var writes = new Task<BatchOutcome?>[batches.Count];

                    // A group's batches of this run apply in order: the earliest unconfirmed one (all of them are here, as
                    // retries come back to every flush) may pass a gap in the run's record; the others wait for it.
                    var earliest = new Dictionary<string, long>(StringComparer.Ordinal);
                    foreach (var batch in batches)
                    {
                        if (CounterGroups.GroupOf(batch.Campaign) >= 0 && (!earliest.TryGetValue(batch.Campaign, out var first) || batch.Sequence < first))
                        {
                            earliest[batch.Campaign] = batch.Sequence;
                        }
                    }

                    for (var i = 0; i < batches.Count; i++)
                    {
                        writes[i] = CounterGroups.GroupOf(batches[i].Campaign) >= 0
                            ? WriteGroupAsync(batches[i], earliest[batches[i].Campaign] == batches[i].Sequence)
                            : WriteAsync(batches[i]);
                    }

                    var outcomes = await Task.WhenAll(writes).ConfigureAwait(false);
                    _metrics.Flushed(System.Diagnostics.Stopwatch.GetElapsedTime(started));
                    var failed = Array.FindAll(outcomes, o => o is null).Length;
                    _metrics.FlushBatches("written", outcomes.Length - failed);
                    _metrics.FlushBatches("failed", failed);
                    for (var i = 0; i < batches.Count; i++)
                    {
                        if (outcomes[i] is null)
                        {
                            continue;
                        }

                        if (CounterGroups.GroupOf(batches[i].Campaign) >= 0)
                        {
                            // The campaigns whose delivery fields the group's script may have written.
                            foreach (var (campaign, _) in batches[i].HeldBy.Keys)
                            {
                                _unmarked.Add(RedisDeliveryLedger.GroupMark(campaign));
                            }

                            foreach (var e in batches[i].Events)
                            {
                                if (e.Key.Kind is CounterKind.Impression or CounterKind.Click)
                                {
                                    _unmarked.Add(RedisDeliveryLedger.GroupMark(e.Key.Campaign));
                                }
                            }

                            _aggregate.Recycle(batches[i]); // its events are written and marked: the list fills a later batch
                        }
                        else if (EventAggregate.SiteOf(batches[i].Campaign) is null)
                        {
                            _unmarked.Add(batches[i].Campaign);
                        }
                    }

                    confirmed = FollowUp(outcomes);
                }
            }

            await MarkChangedAsync().ConfigureAwait(false);
            await _frequency.FlushAsync().ConfigureAwait(false);

            // Only now that the viewers' counts are written: release their holds (and count them in the cached copies).
            foreach (var e in confirmed)
            {
                _viewers.Confirm(e.Viewer!, new FrequencyKey(e.Key.Campaign, e.CapWindow), e.DecisionId);
            }

            // Reach, held since the last interval: one PFADD per campaign and day.
            if (reachNow)
            {
                await _reach.WriteAsync().ConfigureAwait(false);
            }
            else
            {
                await _reach.WriteIfDueAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _flushing.Release();
        }
    }

    /// <summary>
    /// Tells every instance which campaigns' delivery changed (after their writes, so a reader that sees the mark reads
    /// the new totals). A mark that cannot be written now is kept for the next flush.
    /// </summary>
    private async Task MarkChangedAsync()
    {
        if (_unmarked.Count == 0 || !_store.IsAvailable)
        {
            return;
        }

        try
        {
            await _delivery.MarkChangedAsync(_unmarked).ConfigureAwait(false);
            _unmarked.Clear();
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException)
        {
            _logger.DeliveryMarksFailed(_unmarked.Count, ex.Message);
        }
    }

    /// <summary>Writes a counting group's batch; <c>null</c> when it is to be retried (failed, or an earlier batch of the group first).</summary>
    private async Task<BatchOutcome?> WriteGroupAsync(CampaignBatch batch, bool earliest)
    {
        try
        {
            var asked = System.Diagnostics.Stopwatch.GetTimestamp();
            var outcome = await _groups.WriteAsync(batch, earliest).ConfigureAwait(false);
            _metrics.RedisRoundTrip("flush", System.Diagnostics.Stopwatch.GetElapsedTime(asked));
            if (outcome.Status == GroupStatus.NotYet)
            {
                _aggregate.Return(batch);
                return null;
            }

            _aggregate.Complete(batch);
            foreach (var campaign in batch.HeldBy.GroupBy(h => h.Key.Campaign, StringComparer.Ordinal))
            {
                _delivery.Written(campaign.Key, campaign.ToDictionary(h => h.Key.Hold, h => h.Value));
            }

            if (_outageLogged)
            {
                _outageLogged = false;
                _logger.CountsRedisBack();
            }

            return outcome.Outcome;
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException or ObjectDisposedException)
        {
            _aggregate.Return(batch);
            _logger.CountsWriteFailed(batch.Campaign, ex.Message);
            return null;
        }
    }

    private async Task<BatchOutcome?> WriteAsync(CampaignBatch batch)
    {
        try
        {
            var asked = System.Diagnostics.Stopwatch.GetTimestamp();
            var outcome = await _store.WriteAsync(batch).ConfigureAwait(false);
            _metrics.RedisRoundTrip("flush", System.Diagnostics.Stopwatch.GetElapsedTime(asked));
            _aggregate.Complete(batch);
            _delivery.Written(batch.Campaign, batch.Held);
            if (_outageLogged)
            {
                _outageLogged = false;
                _logger.CountsRedisBack();
            }

            return outcome;
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException or ObjectDisposedException)
        {
            _aggregate.Return(batch);
            _logger.CountsWriteFailed(batch.Campaign, ex.Message);
            return null;
        }
    }

    /// <summary>
    /// What counting found in Redis: viewables and clicks refused for want of an impression go to the metrics; counted
    /// impressions of capped campaigns become the viewers' frequency counts (the only writer of viewer state).
    /// </summary>
    private List<TokenEvent> FollowUp(BatchOutcome?[] outcomes)
    {
        var confirmed = new List<TokenEvent>();
        foreach (var outcome in outcomes)
        {
            if (outcome is null)
            {
                continue;
            }

            foreach (var refused in outcome.RefusedFollowUps)
            {
                _metrics.Invalid(refused.Key.Kind == CounterKind.Click ? "click" : "viewable", InvalidReason.NoImpression);
            }

            foreach (var e in outcome.CountedImpressions)
            {
                if (e.Viewer is not null)
                {
                    _frequency.Enqueue(e.Viewer, new FrequencyKey(e.Key.Campaign, e.CapWindow), e.CapRetention);
                    confirmed.Add(e);
                }
            }
        }

        return confirmed;
    }

    private void LogOutage(long pending)
    {
        if (!_outageLogged)
        {
            _outageLogged = true;
            _logger.CountsRedisAway(pending);
        }
    }
}
