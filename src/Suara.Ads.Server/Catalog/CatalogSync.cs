using System.Runtime;
using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Suara.Ads.Core.Catalog;
using Suara.Ads.Core.Snapshot;
using Suara.Ads.Core.Utilities;
using Suara.Ads.Server.Hosting;

namespace Suara.Ads.Server.Catalog;

/// <summary>
/// Keeps this instance's snapshot in step with the catalog in Redis. At start it imports <c>Ads:Seed</c> into an
/// empty catalog (never over an existing one) and loads the catalog. Then it rebuilds whenever a change notice
/// arrives on the channel, and checks the version every <see cref="PollInterval"/> to catch notices missed while
/// disconnected. A rebuild happens off the request path and is swapped in whole; a catalog that fails to build
/// leaves the last good one serving, and <see cref="LastError"/> (shown by <c>/readyz</c>) says why.
/// </summary>
internal sealed class CatalogSync : BackgroundService
{
    /// <summary>How often the version is checked, in case a notice was missed.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);

    private readonly RedisCatalogStore _store;
    private readonly CatalogService _catalog;
    private readonly CatalogSnapshotHolder _holder;
    private readonly CatalogPublisher _publisher;
    private bool _subscribed;
    private readonly RedisConnection _redis;
    private readonly IOptions<AdsOptions> _options;
    private readonly ILogger<CatalogSync> _logger;
    private readonly SemaphoreSlim _changed = new(0, 1);
    private readonly SemaphoreSlim _rebuilding = new(1, 1);
    private readonly PeriodicTimer _poll;
    private CatalogDocument? _seed;
    private readonly AdsMetrics _metrics;

    private long _confirmedTimestamp = System.Diagnostics.Stopwatch.GetTimestamp();

    public CatalogSync(RedisCatalogStore store, CatalogService catalog, CatalogSnapshotHolder holder, CatalogPublisher publisher, RedisConnection redis, IOptions<AdsOptions> options, TimeProvider time, ILogger<CatalogSync> logger, AdsMetrics metrics)
    {
        metrics.ObserveSeconds(
            "suara.ads.catalog.sync.age",
            () => System.Diagnostics.Stopwatch.GetElapsedTime(Interlocked.Read(ref _confirmedTimestamp)).TotalSeconds,
            "Seconds since this instance last confirmed that its catalog in force is the stored one (at most about 2 while Redis answers: it checks every 2 s; rising: changes are not reaching it).");
        // Created with the service, so its schedule starts with the instance (a tick that falls while a check runs is kept).
        _poll = new PeriodicTimer(PollInterval, time);
        _store = store;
        _catalog = catalog;
        _holder = holder;
        _publisher = publisher;
        _redis = redis;
        _options = options;
        _logger = logger;
        _metrics = metrics;
    }

    /// <summary>Why the last rebuild failed, or <c>null</c> when the catalog in force is the current one.</summary>
    public string? LastError { get; private set; }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_options.Value.Seed is { Length: > 0 } seed)
        {
            _seed = await CatalogSeedLoader.ReadAsync(seed, cancellationToken).ConfigureAwait(false);
            if (!CatalogSnapshotBuilder.TryBuild(_seed, 0, out _, out var errors))
            {
                throw new InvalidOperationException($"The seed catalog '{seed}' is not valid: {errors}");
            }
        }

        var loaded = false;
        if (_store.IsAvailable)
        {
            try
            {
                await SeedIfEmptyAsync().ConfigureAwait(false);
                loaded = await RebuildAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                _logger.CatalogReadFailed(ex.Message);
            }
        }

        if (!loaded && !_store.IsAvailable)
        {
            // No Redis: serve the seed (or nothing) until the catalog can be read.
            _logger.CatalogNoRedisAtStart();
            await _publisher.PublishAsync(_seed is null ? CatalogSnapshot.Empty : CatalogSnapshotBuilder.Build(_seed, 0)).ConfigureAwait(false);
        }

        var subscribed = false;
        if (_redis.IsConnected)
        {
            try
            {
                await _redis.Subscriber.SubscribeAsync(_store.Channel, (_, _) => Signal()).ConfigureAwait(false);
                subscribed = true;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                _logger.CatalogSubscribeFailed(ex.Message);
            }
        }

        _subscribed = subscribed;
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(OnNoticeAsync(stoppingToken), OnPollAsync(stoppingToken), _subscribed ? Task.CompletedTask : SubscribeWhenConnectedAsync(stoppingToken));

    /// <summary>Redis was away at start: subscribe to change notices once it is back (the poll covers the meantime).</summary>
    private async Task SubscribeWhenConnectedAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await _redis.WaitUntilConnectedAsync(stoppingToken).ConfigureAwait(false);
                await _redis.Subscriber.SubscribeAsync(_store.Channel, (_, _) => Signal()).ConfigureAwait(false);
                Signal();
                return;
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                _logger.CatalogSubscribeFailed(ex.Message);
            }
        }
    }

    /// <summary>Checks at once on every change notice: this is what keeps instances in step within a second.</summary>
    private async Task OnNoticeAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await _changed.WaitAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            await CheckAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Checks every <see cref="PollInterval"/> of the injected clock, for notices missed while disconnected.</summary>
    private async Task OnPollAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _poll.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await CheckAsync().ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    public override void Dispose()
    {
        _poll.Dispose();
        base.Dispose();
    }

    /// <summary>Rebuilds when the stored version differs from the one in force.</summary>
    public async Task CheckAsync()
    {
        if (!_store.IsAvailable)
        {
            return;
        }

        try
        {
            await SeedIfEmptyAsync().ConfigureAwait(false);
            var asked = System.Diagnostics.Stopwatch.GetTimestamp();
            var version = await _store.GetVersionAsync().ConfigureAwait(false);
            _metrics.RedisRoundTrip("catalog_check", System.Diagnostics.Stopwatch.GetElapsedTime(asked));
            if (version != _holder.Current.Version || !_holder.IsLoaded)
            {
                await RebuildAsync().ConfigureAwait(false);
            }
            else
            {
                Interlocked.Exchange(ref _confirmedTimestamp, System.Diagnostics.Stopwatch.GetTimestamp());
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            _logger.CatalogReadFailed(ex.Message);
        }
    }

    private void Signal()
    {
        if (_changed.CurrentCount == 0)
        {
            try
            {
                _changed.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already signalled.
            }
        }
    }

    private async Task SeedIfEmptyAsync()
    {
        if (_seed is not null && await _store.GetVersionAsync().ConfigureAwait(false) == 0)
        {
            var result = await _catalog.ImportAsync(_seed, Actor.Seed, onlyIfEmpty: true).ConfigureAwait(false);
            if (result.Status == ChangeStatus.Replaced)
            {
                _logger.CatalogSeeded(_options.Value.Seed!, _seed.Campaigns.Count);
            }
        }
    }

    private async Task<bool> RebuildAsync()
    {
        await _rebuilding.WaitAsync().ConfigureAwait(false);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            // Behind by a few changes: apply what the change log says changed, sharing everything else.
            if (_holder.IsLoaded && _holder.Current.Version > 0 && LastError is null)
            {
                var current = _holder.Current;
                if (await _catalog.CatchUpAsync(current).ConfigureAwait(false) is { } caughtUp)
                {
                    if (caughtUp.Errors is { } changeErrors)
                    {
                        LastError = $"catalog version {caughtUp.Version} does not build; version {current.Version} keeps serving: {changeErrors}";
                        _logger.CatalogBuildFailed(caughtUp.Version, current.Version, changeErrors.ToString());
                        return false;
                    }

                    Interlocked.Exchange(ref _confirmedTimestamp, System.Diagnostics.Stopwatch.GetTimestamp());
                    if (caughtUp.Version > current.Version)
                    {
                        _metrics.CatalogRebuilt(System.Diagnostics.Stopwatch.GetElapsedTime(started));
                        _logger.CatalogChangesApplied(caughtUp.Version, current.Version, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    }

                    return true;
                }
            }

            // What a whole load costs the process, for its log line (event 47).
            var cpuBefore = Environment.CpuUsage.TotalTime;
            var pausedBefore = GC.GetTotalPauseDuration();
            var collectionsBefore = GC.CollectionCount(0);
            var allocatedBefore = GC.GetTotalAllocatedBytes();
            CatalogDocument document;
            long version;
            try
            {
                (document, version) = await _store.LoadAsync().ConfigureAwait(false);
            }
            catch (JsonException ex)
            {
                // An entry written behind the admin API's back that is not even JSON: like a catalog that does not
                // build, it must not take the sync loop (and with it the host) down.
                version = await _store.GetVersionAsync().ConfigureAwait(false);
                LastError = $"catalog version {version} cannot be read; version {_holder.Current.Version} keeps serving: {ex.Message}";
                _logger.CatalogBuildFailed(version, _holder.Current.Version, ex.Message);
                return false;
            }

            if (_holder.IsLoaded && version <= _holder.Current.Version && version != 0)
            {
                Interlocked.Exchange(ref _confirmedTimestamp, System.Diagnostics.Stopwatch.GetTimestamp());
                return true;
            }

            var read = System.Diagnostics.Stopwatch.GetElapsedTime(started);
            var allocatedRead = GC.GetTotalAllocatedBytes();
            if (!CatalogSnapshotBuilder.TryBuild(document, version, out var snapshot, out var errors))
            {
                LastError = $"catalog version {version} does not build; version {_holder.Current.Version} keeps serving: {errors}";
                _logger.CatalogBuildFailed(version, _holder.Current.Version, errors.ToString());
                return false;
            }

            if (version == 0 && _holder.IsLoaded)
            {
                return true;
            }

            var built = System.Diagnostics.Stopwatch.GetElapsedTime(started);
            var allocatedBuilt = GC.GetTotalAllocatedBytes();

            var first = !_holder.IsLoaded;
            if (first)
            {
                // The first load, before this instance is ready (no decision waits on it): reading and compiling a big
                // catalog leaves several times its size in garbage (about 1 GB at 100k campaigns), which the server GC
                // would otherwise keep committed. One compacting collection gives it back to the system.
                GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            }

            await _publisher.PublishAsync(snapshot!).ConfigureAwait(false);
            if (first)
            {
                // What the load left young (the compacting collection moves gen0's survivors to gen1 only: about 28 MB
                // at 100k campaigns, the last structures built, then the delivery totals just read) goes to gen2 now,
                // while no decision waits: left there, the first gen1 collection under traffic promoted it, one pause
                // of 95-136 ms a few seconds after ready (31-38 ms with this). Without compacting: about 80 ms.
                GC.Collect(1, GCCollectionMode.Forced, blocking: true, compacting: false);
            }

            LastError = null;
            Interlocked.Exchange(ref _confirmedTimestamp, System.Diagnostics.Stopwatch.GetTimestamp());
            _metrics.CatalogRebuilt(System.Diagnostics.Stopwatch.GetElapsedTime(started));
            _logger.CatalogLoaded(version, document.Campaigns.Count);
            _logger.CatalogLoadTimes(
                version,
                read.TotalMilliseconds,
                (built - read).TotalMilliseconds,
                (System.Diagnostics.Stopwatch.GetElapsedTime(started) - built).TotalMilliseconds,
                (Environment.CpuUsage.TotalTime - cpuBefore).TotalMilliseconds,
                (GC.GetTotalPauseDuration() - pausedBefore).TotalMilliseconds,
                GC.CollectionCount(0) - collectionsBefore,
                (allocatedRead - allocatedBefore) >> 20,
                (allocatedBuilt - allocatedRead) >> 20);
            if (first)
            {
                _ = Task.Run(() => WarmUpChanges(snapshot!));
            }

            return true;
        }
        finally
        {
            _rebuilding.Release();
        }
    }

    /// <summary>
    /// Once the first catalog is in force, in the background: what a change of a campaign does in this process, done
    /// once and thrown away (its first campaign patched to what it is, validated, diffed, applied to the snapshot), so
    /// that code is compiled before the first real change needs it. Without it the first PATCH at 100k campaigns took
    /// about 90 ms, the next ones under 15. Nothing is written.
    /// </summary>
    private static void WarmUpChanges(CatalogSnapshot snapshot)
    {
        if (snapshot.Document.Campaigns is not [var campaign, ..])
        {
            return;
        }

        try
        {
            var kind = EntityKinds.Campaigns;
            var json = kind.Serialize(campaign);
            var patched = kind.Patched(campaign, new System.Text.Json.Nodes.JsonObject { ["weight"] = campaign.Weight }) ?? campaign;
            kind.Validate(patched, snapshot.Document, new ValidationErrors());
            _ = kind.ETag(patched);
            _ = AuditDiff.Of(json, kind.Serialize(patched));
            CatalogSnapshotBuilder.TryApply(snapshot, kind.Upserted(patched), snapshot.Version + 1, out _, out _);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException)
        {
            // Only a warm-up: if it cannot run, the first real change compiles what it needs, as before.
        }
    }
}
