using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using Suara.Ads.Core.Counting;
using Suara.Ads.Core.Snapshot;

namespace Suara.Ads.Server.Hosting;

/// <summary>
/// The ad server's own instruments (meter <c>Suara.Ads</c>), exported at <c>/metrics</c> with ASP.NET Core's and the
/// runtime's. Tags are small fixed sets. Each hot-path method checks <c>Enabled</c> first and builds tags off the
/// inlined path, as Kestrel's metrics do.
/// </summary>
internal sealed class AdsMetrics
{
    public const string MeterName = "Suara.Ads";

    private readonly Counter<long> _decisions;
    private readonly Counter<long> _slots;
    private readonly Counter<long> _events;
    private readonly Counter<long> _invalid;
    private readonly Histogram<double> _flushDuration;
    private readonly Histogram<double> _decisionDuration;
    private readonly Counter<long> _rateLimited;

    /// <summary>The decision latency histogram's name.</summary>
    public const string DecisionDuration = "suara.ads.decision.duration";

    /// <summary>Decision latency buckets, 25 µs to 100 ms (a decision takes well under a millisecond), set by a view (HostingServiceCollectionExtensions).</summary>
    public static readonly IReadOnlyList<double> DecisionBuckets = [0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1];

    public AdsMetrics(IMeterFactory meterFactory, EventAggregate aggregate, RedisConnection redis, CatalogSnapshotHolder catalog)
    {
        var meter = meterFactory.Create(MeterName);
        _decisions = meter.CreateCounter<long>("suara.ads.decisions", "{decision}", "Decision requests answered (200).");
        _slots = meter.CreateCounter<long>("suara.ads.slots", "{slot}", "Slots asked for, by result (filled, empty, error: a slot that could not be decided, such as an unknown placement).");
        _events = meter.CreateCounter<long>("suara.ads.events", "{event}", "Event beacons, by type and result (accepted, duplicate, filtered as invalid traffic, invalid or future token, expired, dropped).");
        _invalid = meter.CreateCounter<long>("suara.ads.invalid", "{event}", "Invalid traffic counted as nothing else, by type (decision slot, impression, viewable, click) and reason (bot, prefetch, noImpression, flood, noUserAgent).");
        _flushDuration = meter.CreateHistogram<double>("suara.ads.flush.duration", "s", "Time to write one flush of counts to Redis.");
        _rateLimited = meter.CreateCounter<long>("suara.ads.rate_limited", "{request}", "Requests refused with 429 by the per-address rate limits, by endpoint (decisions, events, slot).");
        _decisionDuration = meter.CreateHistogram<double>(
            DecisionDuration,
            "s",
            "Time to decide a page (checking the request, the viewer's caps, the engine), by outcome: filled (every slot that could be decided), partial, none.");
        meter.CreateObservableGauge("suara.ads.events.pending", () => aggregate.Pending, "{event}", "Counted events waiting to be written to Redis.");
        meter.CreateObservableGauge("suara.ads.events.pending_limit", () => aggregate.Capacity, "{event}", "Most events that may wait (Ads:MaxPendingEvents).");
        meter.CreateObservableCounter("suara.ads.events.dropped", () => aggregate.Dropped, "{event}", "Events refused because the pending limit was reached.");
        meter.CreateObservableGauge("suara.ads.redis.connected", () => redis.IsConnected ? 1 : 0, null, "1 while Redis is reachable.");
        meter.CreateObservableGauge("suara.ads.catalog.campaigns", () => catalog.Current.CampaignCount, "{campaign}", "Campaigns in the catalog in force.");
        meter.CreateObservableGauge("suara.ads.catalog.version", () => catalog.Current.Version, null, "Version of the catalog in force.");
    }

    public void Decision(int filled, int empty, int errors = 0)
    {
        if (_decisions.Enabled)
        {
            DecisionCore(filled, empty, errors);
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

    /// <summary>A request the rate limits refused; <paramref name="endpoint"/> is one of a fixed few.</summary>
    public void RateLimited(string endpoint) => _rateLimited.Add(1, new KeyValuePair<string, object?>("endpoint", endpoint));

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

    public void Flushed(TimeSpan elapsed)
    {
        if (_flushDuration.Enabled)
        {
            _flushDuration.Record(elapsed.TotalSeconds);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void DecisionTimeCore(double seconds, int filled, int empty) =>
        _decisionDuration.Record(seconds, new KeyValuePair<string, object?>("outcome", filled == 0 ? "none" : empty == 0 ? "filled" : "partial"));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void DecisionCore(int filled, int empty, int errors)
    {
        if (errors > 0)
        {
            _slots.Add(errors, new KeyValuePair<string, object?>("result", "error"));
        }

        _decisions.Add(1);
        if (filled > 0)
        {
            _slots.Add(filled, new KeyValuePair<string, object?>("result", "filled"));
        }

        if (empty > 0)
        {
            _slots.Add(empty, new KeyValuePair<string, object?>("result", "empty"));
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void InvalidCore(string type, InvalidReason reason, int count)
    {
        var tags = new TagList { { "type", type }, { "reason", InvalidReasons.Name(reason) } };
        _invalid.Add(count, tags);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void EventCore(string type, string result)
    {
        var tags = new TagList { { "type", type }, { "result", result } };
        _events.Add(1, tags);
    }
}
