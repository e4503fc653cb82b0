using System.Collections.Frozen;
using Suara.Ads.Core.Catalog;
using Suara.Ads.Core.Delivery;
using Suara.Ads.Core.Selection;
using Suara.Ads.Core.Snapshot;
using Suara.Ads.Core.Targeting;

namespace Suara.Ads.Core.Forecasting;

/// <summary>
/// Replays the traffic sample through the decision engine, day by day, with delivery simulated as it proceeds: every
/// sampled request is decided on the snapshot (the draft in it) by the very <see cref="DecisionEngine"/> that serves, at
/// its time of day on the forecast day; what it fills counts towards goals and pacing at once, and towards the sampled
/// viewer's frequency caps (docs/forecasting.md).
/// </summary>
/// <remarks>
/// Parallel by viewer: the sample is split into <see cref="ShardCount"/> shards by viewer, each replayed on its own with
/// every goal seen in impressions of all traffic (a shard's deliveries count <see cref="ShardCount"/> times), so a
/// shard paces and exhausts goals as the whole would, and a viewer's caps are counted in its one shard. The shard count
/// is fixed, not the core count, so that a forecast is the same on any machine. Per replayed request nothing is
/// allocated: the engine decides into the shard's arrays (<see cref="DecisionEngine.DecideInto"/>), and the replay
/// reuses its context and ledger, and the sampled viewers' cap counts are held in one store per shard
/// (<see cref="ReplayCaps"/>: pooled entries, none allocated per viewer).
/// </remarks>
public static class ForecastReplay
{
    /// <summary>Shards the sample is split into by viewer.</summary>
    public const int ShardCount = 4;

    /// <summary>
    /// Replays <paramref name="days"/> on <paramref name="snapshot"/>. <paramref name="draftId"/> names the campaign
    /// forecast (matched, available, contended); <c>null</c> forecasts delivery only. Campaigns start from
    /// <paramref name="initialDelivered"/> (their flight's delivered impressions) when given.
    /// </summary>
    public static ForecastOutcome Run(CatalogSnapshot snapshot, string? draftId, IReadOnlyList<ForecastDay> days, Func<string, double>? initialDelivered = null, int seed = 1, int? parallelism = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(days);
        var initial = new double[snapshot.Campaigns.Count];
        if (initialDelivered is not null)
        {
            foreach (var c in snapshot.Campaigns)
            {
                initial[c.Index] = initialDelivered(c.Id);
            }
        }

        CompiledCampaign? draft = null;
        if (draftId is not null && !snapshot.CampaignsById.TryGetValue(draftId, out draft))
        {
            throw new ArgumentException($"The campaign '{draftId}' is not in the snapshot.", nameof(draftId));
        }

        var draftEntries = DraftEntries(snapshot, draft);
        var viewerBound = 0;
        var replicas = 1;
        foreach (var day in days)
        {
            foreach (var source in day.Sources)
            {
                viewerBound = Math.Max(viewerBound, source.Day.ViewerBound);
                replicas = Math.Max(replicas, source.Replica + 1);
            }
        }

        var shards = new ShardResult[ShardCount];
        Parallel.For(0, ShardCount, new ParallelOptions { MaxDegreeOfParallelism = parallelism ?? Environment.ProcessorCount }, shard =>
            shards[shard] = new Shard(snapshot, draft, draftEntries, initial, seed, shard, new ReplayCaps(snapshot, viewerBound, replicas)).Run(days));

        return ForecastOutcome.Combine(snapshot, days, shards);
    }

    /// <summary>The draft's entry in each placement that lists it (with a fitting creative), by placement id.</summary>
    private static FrozenDictionary<string, PlacementEntry> DraftEntries(CatalogSnapshot snapshot, CompiledCampaign? draft)
    {
        var entries = new Dictionary<string, PlacementEntry>(StringComparer.Ordinal);
        if (draft is not null && draft.Status != CampaignStatus.Active)
        {
            return entries.ToFrozenDictionary(StringComparer.Ordinal);
        }

        if (draft is not null)
        {
            foreach (var (id, placement) in snapshot.Placements)
            {
                foreach (var entry in placement.All)
                {
                    if (entry.Campaign == draft && entry.Fitting.Length > 0)
                    {
                        entries[id] = entry;
                    }
                }
            }
        }

        return entries.ToFrozenDictionary(StringComparer.Ordinal);
    }

    internal sealed class ShardResult(int days, int campaigns)
    {
        public double[] Matched { get; } = new double[days];

        public double[] Available { get; } = new double[days];

        public double[] Delivered { get; } = new double[campaigns];

        public double[] Contended { get; } = new double[campaigns];

        public long Replayed { get; set; }
    }

    /// <summary>One shard's replay: its own engine, ledger, randomness, context and viewers.</summary>
    private sealed class Shard
    {
        private readonly CatalogSnapshot _snapshot;
        private readonly CompiledCampaign? _draft;
        private readonly FrozenDictionary<string, PlacementEntry> _draftEntries;
        private readonly int _shard;
        private readonly ReplayLedger _ledger;
        private readonly ReplayRandom _random;
        private readonly DecisionEngine _engine;
        private readonly TargetingContext _context = new();
        private readonly ReplayCaps _caps;

        // Per slot of the sample (slots are interned, so few): the site of its placement when the draft lists that
        // placement with a creative in the slot's sizes, else null.
        private readonly Dictionary<SlotRequest, string?> _draftSites = new(ReferenceEqualityComparer.Instance);

        // The engine's answer for one request, reused: a replayed request allocates nothing of its own.
        private CompiledCreative?[] _chosen = new CompiledCreative?[8];
        private CompiledPlacement?[] _placements = new CompiledPlacement?[8];

        public Shard(CatalogSnapshot snapshot, CompiledCampaign? draft, FrozenDictionary<string, PlacementEntry> draftEntries, double[] initial, int seed, int shard, ReplayCaps caps)
        {
            _caps = caps;
            _snapshot = snapshot;
            _draft = draft;
            _draftEntries = draftEntries;
            _shard = shard;
            _ledger = new ReplayLedger(snapshot, initial);
            _random = new ReplayRandom(unchecked((seed * 7919) + shard));
            _engine = new DecisionEngine(_ledger, _random);
        }

        public ShardResult Run(IReadOnlyList<ForecastDay> days)
        {
            var result = new ShardResult(days.Count, _snapshot.Campaigns.Count);
            for (var d = 0; d < days.Count; d++)
            {
                RunDay(days[d], d, result);
            }

            return result;
        }

        private void RunDay(ForecastDay day, int dayIndex, ShardResult result)
        {
            var sources = day.Sources;
            var cursors = new int[sources.Count];
            var zones = new TimeZoneInfo?[sources.Count];
            for (var s = 0; s < sources.Count; s++)
            {
                zones[s] = _snapshot.Sites.TryGetValue(sources[s].Day.Site, out var site) ? site.TimeZone : null;
            }

            var midnight = day.Date.ToDateTime(TimeOnly.MinValue).Ticks;
            var siteDay = (int)(midnight / TimeSpan.TicksPerDay);
            _caps.ForgetBefore(new DateTime(midnight, DateTimeKind.Unspecified));
            while (true)
            {
                // The sources' requests merged in time order: delivery (pacing, goals) proceeds through the day.
                var next = -1;
                var seconds = int.MaxValue;
                for (var s = 0; s < sources.Count; s++)
                {
                    var requests = sources[s].Day.Shards[_shard];
                    if (zones[s] is not null && cursors[s] < requests.Length && requests[cursors[s]].Seconds < seconds)
                    {
                        next = s;
                        seconds = requests[cursors[s]].Seconds;
                    }
                }

                if (next < 0)
                {
                    return;
                }

                var source = sources[next];
                var request = source.Day.Shards[_shard][cursors[next]++];
                Replay(request, source, zones[next]!, midnight, siteDay, day, dayIndex, result);
            }
        }

        private void Replay(in ReplayRequest sampled, ForecastSource source, TimeZoneInfo zone, long midnight, int siteDay, ForecastDay day, int dayIndex, ShardResult result)
        {
            var sample = source.Day;
            var hour = Math.Min(sampled.Seconds / 3600, 23);
            var share = sample.ImpressionShare;

            // The impressions of all traffic that one fill of this record stands for.
            var weight = source.Weight * sample.HourScaleOf(hour) * share;
            if (weight <= 0)
            {
                return;
            }

            var local = new DateTime(midnight + (sampled.Seconds * TimeSpan.TicksPerSecond), DateTimeKind.Unspecified);
            var offset = zone.SupportsDaylightSavingTime ? zone.GetUtcOffset(local) : zone.BaseUtcOffset;
            var now = new DateTimeOffset(local.Ticks - offset.Ticks, TimeSpan.Zero);
            // A sampled viewer of a replica is a viewer of its own: its cap counts are its slot's in the shard's store.
            var history = ViewerHistory.Empty;
            var viewerSlot = -1;
            if (sampled.Viewer >= 0 && _snapshot.HasFrequencyCaps)
            {
                viewerSlot = _caps.SlotOf(sampled.Viewer, source.Replica);
                _caps.Select(viewerSlot);
                history = _caps.History;
            }

            var request = sampled.Request;
            var slotCount = request.Slots.Count;
            if (_chosen.Length < slotCount)
            {
                _chosen = new CompiledCreative?[slotCount];
                _placements = new CompiledPlacement?[slotCount];
            }

            if (!_engine.DecideInto(_snapshot, request, history, now, _chosen, _placements))
            {
                return;
            }

            result.Replayed++;
            var contextReady = false;
            for (var i = 0; i < slotCount; i++)
            {
                var won = _chosen[i]?.Campaign;
                if (won is not null)
                {
                    _ledger.Add(won, siteDay, weight * ShardCount);
                    if (day.Reported)
                    {
                        result.Delivered[won.Index] += weight;
                    }

                    // A fill becomes an impression, and counts against the viewer's cap, at the day's share.
                    if (viewerSlot >= 0 && won.CapImpressions > 0 && (share >= 1 || _random.NextDouble() < share))
                    {
                        _caps.Add(viewerSlot, won, FrequencyWindows.Key(won.CapPeriod, local));
                    }
                }

                if (day.Reported && _draft is not null && DraftMatches(request, request.Slots[i], now, local, ref contextReady))
                {
                    result.Matched[dayIndex] += weight;
                    if (won == _draft)
                    {
                        result.Available[dayIndex] += weight;
                    }
                    else if (won is not null)
                    {
                        result.Contended[won.Index] += weight;
                    }
                }
            }

            if (contextReady)
            {
                _context.Release();
            }
        }

        /// <summary>The site of <paramref name="slot"/>'s placement when the draft lists it with a creative in the slot's sizes; else <c>null</c>.</summary>
        private string? DraftSite(SlotRequest slot)
        {
            if (!_draftEntries.TryGetValue(slot.Placement, out var entry))
            {
                return null;
            }

            foreach (var creative in entry.Fitting)
            {
                if (slot.Accepts(creative.Size))
                {
                    return _snapshot.Placements[slot.Placement].Site.Id;
                }
            }

            return null;
        }

        /// <summary>Whether the draft's placements, flight, creatives and targeting match the slot (competition aside).</summary>
        private bool DraftMatches(DecisionRequest request, SlotRequest slot, DateTimeOffset now, DateTime local, ref bool contextReady)
        {
            var draft = _draft!;
            if (_draftEntries.Count == 0)
            {
                return false;
            }

            if (!_draftSites.TryGetValue(slot, out var site))
            {
                site = DraftSite(slot);
                _draftSites.Add(slot, site);
            }

            if (site is null || !draft.InFlight(now.UtcTicks) || !string.Equals(site, request.Site, StringComparison.Ordinal))
            {
                return false;
            }

            if (!contextReady)
            {
                _context.CopyFrom(request.Context);
                _context.Site = request.Site;
                _context.Hour = local.Hour;
                _context.Weekday = local.DayOfWeek;
                contextReady = true;
            }

            _context.Placement = slot.Placement;
            _context.Kv = slot.Kv ?? request.Context.Kv;
            return draft.Rule.Matches(_context);
        }
    }

    /// <summary>A seeded source for one shard (one thread): no lock.</summary>
    private sealed class ReplayRandom(int seed) : IRandomSource
    {
        private readonly Random _random = new(seed);

        public long NextInt64(long maxExclusive) => _random.NextInt64(maxExclusive);

        public double NextDouble() => _random.NextDouble();
    }
}
