using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using Suara.Ads.Core.Counting;
using Suara.Ads.Core.Snapshot;

namespace Suara.Ads.Server.Hosting;

/// <summary>
/// The ad server's own instruments (meter <c>Suara.Ads</c>), exported at <c>/metrics</c> with ASP.NET Core's and the
/// runtime's; every one is listed in docs/operations.md. Tags are small fixed sets (a placement id is the only catalog
/// name, and only one the catalog knows): never a campaign, creative or viewer. Counters whose tags are a fixed set
/// start at 0, so a rate or an alert works from the first scrape. Each hot-path method checks <c>Enabled</c> first and
/// builds tags off the inlined path, as Kestrel's metrics do.
/// </summary>
internal sealed class AdsMetrics
{
    public const string MeterName = "Suara.Ads";

    /// <summary>The decision latency histogram's name.</summary>
    public const string DecisionDuration = "suara.ads.decision.duration";

    /// <summary>The Redis round-trip histogram's name.</summary>
    public const string RedisDuration = "suara.ads.redis.duration";

    /// <summary>The flush duration histogram's name.</summary>
    public const string FlushDuration = "suara.ads.flush.duration";

    /// <summary>The catalog rebuild histogram's name.</summary>
    public const string CatalogRebuildDuration = "suara.ads.catalog.rebuild.duration";

    /// <summary>The <c>placement</c> of a slot whose placement the catalog does not know (a request's text is never a label).</summary>
    public const string UnknownPlacement = "unknown";

    /// <summary>Decision latency buckets, 25 µs to 100 ms (a decision takes well under a millisecond), set by a view (HostingServiceCollectionExtensions).</summary>
    public static readonly IReadOnlyList<double> DecisionBuckets = [0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1];

    /// <summary>Buckets of work that waits on Redis (a round trip, a flush, a catalog rebuild): 100 µs to 5 s.</summary>
    public static readonly IReadOnlyList<double> RedisBuckets = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

    /// <summary>Event types as labelled.</summary>
    public static readonly IReadOnlyList<string> EventTypes = ["impression", "viewable", "click"];

    /// <summary>What became of a beacon whose token could be read (<c>forged</c> is the one result of one that could not).</summary>
    public static readonly IReadOnlyList<string> EventResults = ["accepted", "duplicate", "filtered", "expired", "future", "dropped"];

    /// <summary>Endpoints with a per-address rate limit.</summary>
    public static readonly IReadOnlyList<string> RateLimitedEndpoints = ["decisions", "events", "slot"];

    private readonly Meter _meter;
    private readonly Counter<long> _decisions;
    private readonly Counter<long> _slots;
    private readonly Counter<long> _events;
    private readonly Counter<long> _invalid;
    private readonly Histogram<double> _flushDuration;
    private readonly Counter<long> _flushBatches;
    private readonly Histogram<double> _decisionDuration;
    private readonly Histogram<double> _redisDuration;
    private readonly Histogram<double> _catalogRebuild;
    private readonly Counter<long> _rateLimited;

    public AdsMetrics(IMeterFactory meterFactory, EventAggregate aggregate, RedisConnection redis, CatalogSnapshotHolder catalog)
    {
        var meter = _meter = meterFactory.Create(MeterName);
        _decisions = meter.CreateCounter<long>("suara.ads.decisions", "{decision}", "Decision requests answered (200).");
        _slots = meter.CreateCounter<long>("suara.ads.slots", "{slot}", "Slots asked for in answered decisions, by placement and result (filled, empty, error: a slot that could not be decided, such as an unknown placement, whose placement is then 'unknown').");
        _events = meter.CreateCounter<long>("suara.ads.events", "{event}", "Event beacons, by type and result: accepted; refused as duplicate, forged (an altered or made-up token; type 'unknown'), expired, future (issued later than now), dropped (pending limit); filtered as invalid traffic (by reason in suara.ads.invalid).");
        _invalid = meter.CreateCounter<long>("suara.ads.invalid", "{event}", "Invalid traffic counted as nothing else, by type (decision slot, impression, viewable, click) and reason (bot, prefetch, noImpression, flood, noUserAgent).");
        _flushDuration = meter.CreateHistogram<double>(FlushDuration, "s", "Time to write one flush of counts to Redis (every batch, pipelined).");
        _flushBatches = meter.CreateCounter<long>("suara.ads.flush.batches", "{batch}", "Batches of counts (one per campaign or site) by result: written; failed (Redis refused or timed out: kept and retried, unchanged); deferred (Redis away: kept for later without trying).");
        _rateLimited = meter.CreateCounter<long>("suara.ads.rate_limited", "{request}", "Requests refused with 429 by the per-address rate limits, by endpoint (decisions, events, slot).");
        _decisionDuration = meter.CreateHistogram<double>(
            DecisionDuration,
            "s",
            "Time to decide a page (checking the request, the viewer's caps, the engine), by outcome: filled (every slot that could be decided), partial, none.");
        _redisDuration = meter.CreateHistogram<double>(
            RedisDuration,
            "s",
            "Redis round trips the server waits on, by operation: catalog_check (the version, every 2 s), delivery_read (the goals' totals, every second), flush (one batch's counting script).");
        _catalogRebuild = meter.CreateHistogram<double>(CatalogRebuildDuration, "s", "Time to read a new catalog version from Redis, build its snapshot and put it in force.");
        meter.CreateObservableGauge("suara.ads.events.pending", () => aggregate.Pending, "{event}", "Counted events waiting to be written to Redis.");
        meter.CreateObservableGauge("suara.ads.events.pending_limit", () => aggregate.Capacity, "{event}", "Most events that may wait (Ads:MaxPendingEvents).");
        meter.CreateObservableGauge("suara.ads.events.oldest_pending", () => aggregate.OldestPendingAge.TotalSeconds, "s", "Age of the oldest counted event not yet written to Redis (0 when none waits); about the flush interval while Redis answers.");
        meter.CreateObservableCounter("suara.ads.events.dropped", () => aggregate.Dropped, "{event}", "Events refused because the pending limit was reached.");
        meter.CreateObservableGauge("suara.ads.redis.connected", () => redis.IsConnected ? 1 : 0, null, "1 while Redis is reachable.");
        meter.CreateObservableGauge("suara.ads.catalog.campaigns", () => catalog.Current.CampaignCount, "{campaign}", "Campaigns in the catalog in force.");
        meter.CreateObservableGauge("suara.ads.catalog.version", () => catalog.Current.Version, null, "Version of the catalog in force.");

        // Zero for every fixed series, so rates and alerts see the first one.
        foreach (var endpoint in RateLimitedEndpoints)
        {
            _rateLimited.Add(0, new KeyValuePair<string, object?>("endpoint", endpoint));
        }

        foreach (var result in (string[])["written", "failed", "deferred"])
        {
            _flushBatches.Add(0, new KeyValuePair<string, object?>("result", result));
        }

        _events.Add(0, new KeyValuePair<string, object?>("type", "unknown"), new KeyValuePair<string, object?>("result", "forged"));
        foreach (var type in EventTypes)
        {
            foreach (var result in EventResults)
            {
                _events.Add(0, new KeyValuePair<string, object?>("type", type), new KeyValuePair<string, object?>("result", result));
            }
        }

        foreach (var type in (string[])["decision", .. EventTypes])
        {
            foreach (var reason in InvalidReasons.All)
            {
                _invalid.Add(0, new KeyValuePair<string, object?>("type", type), new KeyValuePair<string, object?>("reason", InvalidReasons.Name(reason)));
            }
        }
    }

    /// <summary>
    /// A gauge of seconds read at each collection: how stale something is. For a flow that the meter's owners cannot
    /// see (Hosting depends on no flow).
    /// </summary>
    public void ObserveSeconds(string name, Func<double> seconds, string description) =>
        _meter.CreateObservableGauge(name, seconds, "s", description);

    /// <summary>A gauge read at each collection, for a flow the meter's owners cannot see.</summary>
    public void ObserveGauge(string name, Func<long> value, string unit, string description) =>
        _meter.CreateObservableGauge(name, value, unit, description);

    /// <summary>A counter read at each collection (a running total kept by its flow), for a flow the meter's owners cannot see.</summary>
    public void ObserveCounter(string name, Func<long> total, string unit, string description) =>
        _meter.CreateObservableCounter(name, total, unit, description);

    /// <summary>One answered decision (its slots are counted by <see cref="Slot"/>).</summary>
    public void Decision()
    {
        if (_decisions.Enabled)
        {
            _decisions.Add(1);
        }
    }

    /// <summary>One slot of an answered decision; <paramref name="placement"/> must be one the catalog knows, else <see cref="UnknownPlacement"/>.</summary>
    public void Slot(string placement, SlotResult result)
    {
        if (_slots.Enabled)
        {
            SlotCore(placement, result);
        }
    }

    /// <summary>One decided page: how long it took since <paramref name="startedTimestamp"/> (<see cref="Stopwatch.GetTimestamp"/>).</summary>
    public void DecisionTime(long startedTimestamp, int filled, int empty)
    {
        if (_decisionDuration.Enabled)
        {
            DecisionTimeCore(Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds, filled, empty);
        }
    }

    /// <summary>A request the rate limits refused; <paramref name="endpoint"/> is one of <see cref="RateLimitedEndpoints"/>.</summary>
    public void RateLimited(string endpoint) => _rateLimited.Add(1, new KeyValuePair<string, object?>("endpoint", endpoint));

    /// <summary>A beacon: <paramref name="type"/> one of <see cref="EventTypes"/> (or <c>unknown</c>), <paramref name="result"/> one of <see cref="EventResults"/> (or <c>forged</c>).</summary>
    public void Event(string type, string result)
    {
        if (_events.Enabled)
        {
            EventCore(type, result);
        }
    }

    public void Invalid(string type, InvalidReason reason, int count = 1)
    {
        if (_invalid.Enabled && count > 0)
        {
            InvalidCore(type, reason, count);
        }
    }

    /// <summary>One flush that wrote: how long its batches took together.</summary>
    public void Flushed(TimeSpan elapsed)
    {
        if (_flushDuration.Enabled)
        {
            _flushDuration.Record(elapsed.TotalSeconds);
        }
    }

    /// <summary><paramref name="count"/> batches that were written, failed or deferred.</summary>
    public void FlushBatches(string result, int count)
    {
        if (count > 0)
        {
            _flushBatches.Add(count, new KeyValuePair<string, object?>("result", result));
        }
    }

    /// <summary>A catalog version read, built and put in force.</summary>
    public void CatalogRebuilt(TimeSpan elapsed) => _catalogRebuild.Record(elapsed.TotalSeconds);

    /// <summary>A Redis round trip the server waited on; <paramref name="operation"/> is one of a fixed few.</summary>
    public void RedisRoundTrip(string operation, TimeSpan elapsed)
    {
        if (_redisDuration.Enabled)
        {
            _redisDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("operation", operation));
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void DecisionTimeCore(double seconds, int filled, int empty) =>
        _decisionDuration.Record(seconds, new KeyValuePair<string, object?>("outcome", filled == 0 ? "none" : empty == 0 ? "filled" : "partial"));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void SlotCore(string placement, SlotResult result) =>
        _slots.Add(
            1,
            new KeyValuePair<string, object?>("placement", placement),
            new KeyValuePair<string, object?>("result", result switch { SlotResult.Filled => "filled", SlotResult.Empty => "empty", _ => "error" }));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void InvalidCore(string type, InvalidReason reason, int count) =>
        _invalid.Add(count, new KeyValuePair<string, object?>("type", type), new KeyValuePair<string, object?>("reason", InvalidReasons.Name(reason)));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void EventCore(string type, string result) =>
        _events.Add(1, new KeyValuePair<string, object?>("type", type), new KeyValuePair<string, object?>("result", result));
}

/// <summary>What became of one slot of an answered decision.</summary>
internal enum SlotResult
{
    Filled,
    Empty,
    Error,
}
