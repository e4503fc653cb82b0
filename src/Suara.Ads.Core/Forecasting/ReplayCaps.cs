using Suara.Ads.Core.Catalog;
using Suara.Ads.Core.Delivery;
using Suara.Ads.Core.Snapshot;

namespace Suara.Ads.Core.Forecasting;

/// <summary>
/// The frequency-cap counts of one replay shard's sampled viewers, in flat arrays: a viewer of a replica is a slot
/// (numbered from the viewer's number, dense), and its counts a chain of entries (campaign, window, count) taken from
/// one pool, returned to it when their window is over, with a 64-bit filter per slot of the campaigns in its chain (a
/// campaign the viewer has no count of, the usual question, is answered without a walk). Nothing is allocated per
/// request or per viewer: the pool grows by doubling while the live counts grow. <see cref="History"/> is the
/// engine's view of the viewer last <see cref="Select"/>ed.
/// </summary>
internal sealed class ReplayCaps : IViewerCounts
{
    private readonly CatalogSnapshot _snapshot;
    private readonly int _replicas;
    private readonly int[] _heads;
    private readonly ulong[] _seen;
    private Entry[] _entries = new Entry[1024];
    private int _used;
    private int _free = -1;
    private int _current = -1;

    /// <param name="snapshot">The catalog replayed.</param>
    /// <param name="viewerBound">One more than the highest viewer number of the sample replayed.</param>
    /// <param name="replicas">One more than the highest replica of the plan.</param>
    public ReplayCaps(CatalogSnapshot snapshot, int viewerBound, int replicas)
    {
        _snapshot = snapshot;
        _replicas = replicas;

        // A shard holds the viewers whose number is its own modulo the shard count (SampleCompiler): a slot per such
        // viewer and replica.
        _heads = new int[((viewerBound / ForecastReplay.ShardCount) + 1) * replicas];
        Array.Fill(_heads, -1);
        _seen = new ulong[_heads.Length];
        History = new ViewerHistory(this);
    }

    /// <summary>The history of the viewer last selected.</summary>
    public ViewerHistory History { get; }

    /// <inheritdoc/>
    public int EntryCount
    {
        get
        {
            var n = 0;
            for (var e = _current < 0 ? -1 : _heads[_current]; e >= 0; e = _entries[e].Next)
            {
                n++;
            }

            return n;
        }
    }

    /// <summary>The slot of <paramref name="viewer"/> in <paramref name="replica"/>.</summary>
    public int SlotOf(int viewer, int replica) => ((viewer / ForecastReplay.ShardCount) * _replicas) + replica;

    /// <summary>Makes <see cref="History"/> the history of the viewer in <paramref name="slot"/>.</summary>
    public void Select(int slot) => _current = slot;

    /// <inheritdoc/>
    public int Count(CompiledCampaign campaign, long window)
    {
        if (_current < 0)
        {
            return 0;
        }

        var index = campaign.Index;
        if ((_seen[_current] & Bit(index)) == 0)
        {
            return 0;
        }

        for (var e = _heads[_current]; e >= 0; e = _entries[e].Next)
        {
            ref readonly var entry = ref _entries[e];
            if (entry.Campaign == index && entry.Window == window)
            {
                return entry.Count;
            }
        }

        return 0;
    }

    /// <inheritdoc/>
    public int Count(string campaignId, long window) =>
        _snapshot.CampaignsById.TryGetValue(campaignId, out var campaign) ? Count(campaign, window) : 0;

    /// <summary>Counts one impression of <paramref name="campaign"/> in <paramref name="window"/> for the viewer in <paramref name="slot"/>.</summary>
    public void Add(int slot, CompiledCampaign campaign, long window)
    {
        var index = campaign.Index;
        for (var e = _heads[slot]; e >= 0; e = _entries[e].Next)
        {
            ref var entry = ref _entries[e];
            if (entry.Campaign == index && entry.Window == window)
            {
                entry.Count++;
                return;
            }
        }

        int taken;
        if (_free >= 0)
        {
            taken = _free;
            _free = _entries[taken].Next;
        }
        else
        {
            if (_used == _entries.Length)
            {
                Array.Resize(ref _entries, _entries.Length * 2);
            }

            taken = _used++;
        }

        _entries[taken] = new Entry { Campaign = index, Window = window, Count = 1, Next = _heads[slot] };
        _heads[slot] = taken;
        _seen[slot] |= Bit(index);
    }

    /// <summary>
    /// Returns to the pool the counts of cap windows that are over by <paramref name="midnight"/> (hours and days before
    /// it, weeks before its week): the replay decides nothing before it any more.
    /// </summary>
    public void ForgetBefore(DateTime midnight)
    {
        var hour = FrequencyWindows.Key(CapPeriod.Hour, midnight);
        var day = FrequencyWindows.Key(CapPeriod.Day, midnight);
        var week = FrequencyWindows.Key(CapPeriod.Week, midnight);
        var firstHour = FrequencyWindows.Key(CapPeriod.Hour, DateTime.MinValue);
        var firstDay = FrequencyWindows.Key(CapPeriod.Day, DateTime.MinValue);
        var firstWeek = FrequencyWindows.Key(CapPeriod.Week, DateTime.MinValue);
        for (var slot = 0; slot < _heads.Length; slot++)
        {
            var seen = 0UL;
            var previous = -1;
            var e = _heads[slot];
            while (e >= 0)
            {
                var next = _entries[e].Next;
                var window = _entries[e].Window;
                if ((window < hour && window >= firstHour) || (window < day && window >= firstDay) || (window < week && window >= firstWeek))
                {
                    if (previous < 0)
                    {
                        _heads[slot] = next;
                    }
                    else
                    {
                        _entries[previous].Next = next;
                    }

                    _entries[e].Next = _free;
                    _free = e;
                }
                else
                {
                    previous = e;
                    seen |= Bit(_entries[e].Campaign);
                }

                e = next;
            }

            _seen[slot] = seen;
        }
    }

    private static ulong Bit(int campaign) => 1UL << (campaign & 63);

    private struct Entry
    {
        public long Window;
        public int Campaign;
        public int Count;
        public int Next;
    }
}
