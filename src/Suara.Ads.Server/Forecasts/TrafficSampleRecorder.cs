using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Suara.Ads.Core.Forecasting;
using Suara.Ads.Core.Selection;
using Suara.Ads.Server.Hosting;
using Suara.Ads.Server.Traffic;

namespace Suara.Ads.Server.Forecasts;

/// <summary>
/// The traffic sample's in-process side: on the decision path it counts the request (per site, day and hour) and, for a
/// sampled request, enqueues a reference to it (the request is immutable); on the event path it counts impressions.
/// No Redis round trip: <see cref="TrafficSampleWriter"/> takes what is pending in the background. Bounded: beyond
/// <see cref="MaxPending"/> records waiting, new ones are dropped (and counted), never the counts.
/// </summary>
internal sealed class TrafficSampleRecorder : ITrafficRecorder
{
    /// <summary>Most records waiting for the writer.</summary>
    public const int MaxPending = 100_000;

    private readonly double _rate;
    private readonly ConcurrentDictionary<(string Site, int Day), DayTally> _tallies = new();
    private readonly ConcurrentQueue<PendingRecord> _records = new();
    private int _pending;
    private long _dropped;

    public TrafficSampleRecorder(IOptions<AdsOptions> options) => _rate = options.Value.TrafficSampleRate;

    /// <summary>Records dropped because too many were waiting.</summary>
    public long Dropped => Volatile.Read(ref _dropped);

    /// <summary>Records waiting for the writer.</summary>
    public int Pending => Volatile.Read(ref _pending);

    public void Decided(DecisionRequest request, DecisionResult result)
    {
        if (_rate <= 0)
        {
            return;
        }

        var local = result.SiteLocalTime;
        var tally = Tally(request.Site, result.SiteDay);
        Interlocked.Increment(ref tally.Requests[local.Hour]);
        var filled = 0;
        for (var i = 0; i < result.Slots.Count; i++)
        {
            filled += result.Slots[i] is null ? 0 : 1;
        }

        if (filled > 0)
        {
            Interlocked.Add(ref tally.Filled, filled);
        }

        if (!TrafficSampling.Samples(result.Viewer, _rate))
        {
            return;
        }

        if (Interlocked.Increment(ref _pending) > MaxPending)
        {
            Interlocked.Decrement(ref _pending);
            Interlocked.Increment(ref _dropped);
            return;
        }

        _records.Enqueue(new PendingRecord(request.Site, result.SiteDay, request, result.Viewer, (int)(local.TimeOfDay.Ticks / TimeSpan.TicksPerSecond)));
    }

    public void Impression(string site, int siteDay)
    {
        if (_rate > 0)
        {
            Interlocked.Increment(ref Tally(site, siteDay).Impressions);
        }
    }

    /// <summary>The records waiting, taken (at most <paramref name="max"/>).</summary>
    public List<PendingRecord> TakeRecords(int max = int.MaxValue)
    {
        var taken = new List<PendingRecord>();
        while (taken.Count < max && _records.TryDequeue(out var record))
        {
            Interlocked.Decrement(ref _pending);
            taken.Add(record);
        }

        return taken;
    }

    /// <summary>Every site-day with counts not yet written, with what is not yet written.</summary>
    public List<(string Site, int Day, TallyDelta Delta)> TakeDeltas()
    {
        var deltas = new List<(string, int, TallyDelta)>();
        foreach (var ((site, day), tally) in _tallies)
        {
            var delta = tally.Delta();
            if (delta.IsEmpty)
            {
                // Nothing new: a day no request has touched since its last write is forgotten after two days.
                if (tally.IdleWrites++ > 2 * 24 * 3600)
                {
                    _tallies.TryRemove(new KeyValuePair<(string, int), DayTally>((site, day), tally));
                }

                continue;
            }

            tally.IdleWrites = 0;
            deltas.Add((site, day, delta));
        }

        return deltas;
    }

    /// <summary>Marks <paramref name="delta"/> written (after its script succeeded); a delta not confirmed is written again.</summary>
    public void Confirm(string site, int day, TallyDelta delta)
    {
        if (_tallies.TryGetValue((site, day), out var tally))
        {
            tally.Confirm(delta);
        }
    }

    private DayTally Tally(string site, int day) => _tallies.GetOrAdd((site, day), static _ => new DayTally());

    /// <summary>A sampled request waiting for the writer.</summary>
    internal readonly record struct PendingRecord(string Site, int SiteDay, DecisionRequest Request, string? Viewer, int Seconds);

    /// <summary>What a day's counts grew by since they were last written.</summary>
    internal sealed record TallyDelta(long[] Requests, long Filled, long Impressions)
    {
        public bool IsEmpty => Filled == 0 && Impressions == 0 && Array.TrueForAll(Requests, r => r == 0);
    }

    /// <summary>
    /// A site-day's counts since start, and what of them is written: counting only ever adds, the writer writes the
    /// difference, so no increment is lost between a read and a reset.
    /// </summary>
    private sealed class DayTally
    {
        public readonly long[] Requests = new long[24];
        public long Filled;
        public long Impressions;
        private readonly long[] _writtenRequests = new long[24];
        private long _writtenFilled;
        private long _writtenImpressions;

        public int IdleWrites { get; set; }

        public TallyDelta Delta()
        {
            var requests = new long[24];
            for (var h = 0; h < 24; h++)
            {
                requests[h] = Volatile.Read(ref Requests[h]) - _writtenRequests[h];
            }

            return new TallyDelta(requests, Volatile.Read(ref Filled) - _writtenFilled, Volatile.Read(ref Impressions) - _writtenImpressions);
        }

        public void Confirm(TallyDelta delta)
        {
            for (var h = 0; h < 24; h++)
            {
                _writtenRequests[h] += delta.Requests[h];
            }

            _writtenFilled += delta.Filled;
            _writtenImpressions += delta.Impressions;
        }
    }
}
