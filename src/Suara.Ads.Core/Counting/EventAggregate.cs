using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Suara.Ads.Core.Counting;

/// <summary>
/// The in-process aggregate between counting and the store: beacons and served ads are added here on the request
/// path (a short lock, no I/O) and taken in per-campaign batches by the flusher. Batches that fail to write are
/// handed back with their ids and retried first, so a store outage loses nothing and a retry never double-counts.
/// </summary>
/// <remarks>
/// Bounded: beyond <see cref="Capacity"/> pending events new events are refused (and counted in
/// <see cref="Dropped"/>) rather than letting memory grow without limit during a long outage.
/// </remarks>
public sealed class EventAggregate
{
    private readonly Lock _lock = new();
    private Dictionary<string, CampaignBatch> _open = new(StringComparer.Ordinal);
    private readonly HashSet<string> _seenTokens = new(StringComparer.Ordinal);
    private readonly List<CampaignBatch> _retry = [];
    private readonly Stack<List<TokenEvent>> _spareEvents = new(); // event lists of written group batches, to fill new ones
    private const int MaxSpareEvents = 16_384; // the largest list kept for reuse (about 2 MB of events)
    private readonly HashSet<CampaignBatch> _writing = [];
    private readonly TimeProvider _time;
    private long _pending;
    private long _dropped;
    private long _batchSequence;
    private long _slotHour;
    private readonly string _instance = Guid.NewGuid().ToString("N")[..12];
    private readonly long[] _groupSequences = new long[CounterGroups.Count];
    private readonly ConcurrentDictionary<(string Site, string Placement, long Hour), SlotCounts> _slots = new();

    /// <summary>Creates an aggregate holding at most <paramref name="capacity"/> pending events.</summary>
    /// <param name="capacity">Most events held before new ones are refused.</param>
    /// <param name="time">The clock that dates a batch's first event (<see cref="OldestPendingAge"/>); the system's unless given.</param>
    /// <param name="groups">
    /// Count served ads, holds, invalid traffic and site inventory in the batches of their counting groups
    /// (<see cref="CounterGroups"/>) rather than per campaign. Events of version-4 tokens go to their group's batch either way.
    /// </param>
    public EventAggregate(long capacity = 2_000_000, TimeProvider? time = null, bool groups = false)
    {
        Groups = groups;
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Most events held before new ones are refused.</summary>
    public long Capacity { get; }

    /// <summary>Whether served ads, holds, invalid traffic and inventory are batched per counting group.</summary>
    public bool Groups { get; }

    /// <summary>Events waiting to be written (including batches waiting for a retry).</summary>
    public long Pending => Volatile.Read(ref _pending);

    /// <summary>Events refused because the aggregate was full.</summary>
    public long Dropped => Volatile.Read(ref _dropped);

    /// <summary>
    /// How long the oldest event not yet written has waited: since the first event of the oldest batch that is open,
    /// being written or waiting for a retry; zero when nothing waits. (A slot is dated when the flusher takes it: it
    /// waited at most one flush interval before.)
    /// </summary>
    public TimeSpan OldestPendingAge
    {
        get
        {
            long oldest = long.MaxValue;
            lock (_lock)
            {
                foreach (var batch in _retry)
                {
                    oldest = Math.Min(oldest, batch.OpenedAt);
                }

                foreach (var batch in _writing)
                {
                    oldest = Math.Min(oldest, batch.OpenedAt);
                }

                foreach (var batch in _open.Values)
                {
                    oldest = Math.Min(oldest, batch.OpenedAt);
                }
            }

            return oldest == long.MaxValue ? TimeSpan.Zero : _time.GetElapsedTime(oldest);
        }
    }

    /// <summary>
    /// Adds a beacon event. Returns <c>false</c> when the same token is already pending here (the store
    /// de-duplicates across instances and flushes) or when the aggregate is full.
    /// </summary>
    public bool AddEvent(in CounterKey key, string tokenId, long issuedHour) => AddEvent(new TokenEvent(key, tokenId, issuedHour));

    /// <summary>Adds a beacon event with what counting it updates besides its counter (see <see cref="TokenEvent"/>).</summary>
    public bool AddEvent(in TokenEvent e)
    {
        lock (_lock)
        {
            if (!Reserve() || !_seenTokens.Add(e.TokenId))
            {
                return false;
            }

            var batch = Open(e.SequencePerGroup ? GroupOwner(e.Key.Campaign) : e.Key.Campaign);
            batch.Events.Add(e);
            batch.EventCount++;
            _pending++;
            return true;
        }
    }

    /// <summary>Adds one served ad, held back against its campaign's goal in <paramref name="hold"/> (none when <c>null</c>).</summary>
    public bool AddServed(in CounterKey key, HoldKey? hold = null)
    {
        lock (_lock)
        {
            if (!Reserve())
            {
                return false;
            }

            var batch = Open(Groups ? GroupOwner(key.Campaign) : key.Campaign);
            CollectionsMarshal.GetValueRefOrAddDefault(batch.Counts, key, out _)++; // one lookup (every served ad passes here)
            if (hold is { } h)
            {
                if (Groups)
                {
                    CollectionsMarshal.GetValueRefOrAddDefault(batch.HeldBy, (key.Campaign, h), out _)++;
                }
                else
                {
                    CollectionsMarshal.GetValueRefOrAddDefault(batch.Held, h, out _)++;
                }
            }

            batch.EventCount++;
            _pending++;
            return true;
        }
    }

    /// <summary>Adds one to a plain counter (invalid traffic): no de-duplication, no delivery.</summary>
    public bool AddCount(in CounterKey key)
    {
        lock (_lock)
        {
            if (!Reserve())
            {
                return false;
            }

            var batch = Open(Groups ? GroupOwner(key.Campaign) : key.Campaign);
            CollectionsMarshal.GetValueRefOrAddDefault(batch.Counts, key, out _)++;
            batch.EventCount++;
            _pending++;
            return true;
        }
    }

    /// <summary>
    /// Adds a slot of a decision to its site's inventory counts (<see cref="CounterKind.Requested"/> and
    /// <see cref="CounterKind.Filled"/> per placement and hour) without the lock: two counters per placement and hour,
    /// incremented in place, which <see cref="TakeBatches"/> moves into the site's batch (owner <see cref="SiteOwner"/>).
    /// Every decision passes here, so it allocates nothing once a placement's hour has its counters.
    /// </summary>
    public void AddSlot(string site, string placement, long hour, bool filled)
    {
        var counts = _slots.TryGetValue((site, placement, hour), out var known)
            ? known
            : _slots.GetOrAdd((site, placement, hour), static _ => new SlotCounts());
        Interlocked.Increment(ref counts.Requested);
        if (filled)
        {
            Interlocked.Increment(ref counts.Filled);
        }
    }

    /// <summary>The batch owner of a site's counts: <c>@</c> and its id (ids never start with <c>@</c>, so no campaign is one).</summary>
    public static string SiteOwner(string site) => "@" + site;

    /// <summary>The site of a batch owner, or <c>null</c> for a campaign (or a group).</summary>
    public static string? SiteOf(string owner) => owner.StartsWith('@') ? owner[1..] : null;

    /// <summary>The owner of the batch of the counting group of a campaign (or of a site's owner, <c>@SITE</c>: the group of the site's id).</summary>
    public static string GroupOwner(string campaignOrSite) =>
        CounterGroups.Owner(CounterGroups.Of(campaignOrSite.StartsWith('@') ? campaignOrSite[1..] : campaignOrSite));

    /// <summary>Takes everything pending: first the batches to retry, then the new ones.</summary>
    public IReadOnlyList<CampaignBatch> TakeBatches()
    {
        lock (_lock)
        {
            TakeSlots();
            if (_open.Count == 0 && _retry.Count == 0)
            {
                return [];
            }

            var batches = new List<CampaignBatch>(_retry.Count + _open.Count);
            _retry.Sort(static (a, b) => a.Order.CompareTo(b.Order)); // a group's batches are applied in order
            batches.AddRange(_retry);
            batches.AddRange(_open.Values);
            _writing.UnionWith(batches);
            _retry.Clear();
            _open = new Dictionary<string, CampaignBatch>(StringComparer.Ordinal);
            return batches;
        }
    }

    /// <summary>Marks <paramref name="batch"/> written: its events are no longer pending.</summary>
    public void Complete(CampaignBatch batch)
    {
        lock (_lock)
        {
            _writing.Remove(batch);
            _pending -= batch.EventCount;
            foreach (var e in batch.Events)
            {
                _seenTokens.Remove(e.TokenId);
            }
        }
    }

    /// <summary>
    /// Takes back the event list of a group's batch that was written (<see cref="Complete"/>d), to fill a later batch: a
    /// group's batch holds thousands of events, and a new list of that size every flush would be garbage on the
    /// large-object heap, which only full collections free. The batch is left with an empty list; nothing may read its
    /// events afterwards. A batch still being written or to be retried keeps its events.
    /// </summary>
    public void Recycle(CampaignBatch batch)
    {
        lock (_lock)
        {
            if (CounterGroups.GroupOf(batch.Campaign) < 0 || _writing.Contains(batch) || _retry.Contains(batch) || _spareEvents.Count >= 2 * CounterGroups.Count)
            {
                return;
            }

            var events = batch.DetachEvents();
            if (events.Capacity > MaxSpareEvents)
            {
                return; // a list grown by a burst (a backlog written after an outage) is not kept: it would hold its memory
            }

            events.Clear();
            _spareEvents.Push(events);
        }
    }

    /// <summary>Hands back a batch that could not be written; it is retried, unchanged, before anything newer.</summary>
    public void Return(CampaignBatch batch)
    {
        lock (_lock)
        {
            _writing.Remove(batch);
            _retry.Add(batch);
        }
    }

    /// <summary>Moves the slot counters into their sites' batches (under the lock); an increment racing with it counts next time.</summary>
    private void TakeSlots()
    {
        foreach (var ((site, placement, hour), counts) in _slots)
        {
            var requested = Interlocked.Exchange(ref counts.Requested, 0);
            var filled = Interlocked.Exchange(ref counts.Filled, 0);
            if (requested == 0 && filled == 0)
            {
                // Idle since the last flush: an hour gone by, or a placement no longer asked for. (Removing it can race
                // with an increment on the removed counters: that is why only idle ones older than the hour go.)
                if (hour < _slotHour)
                {
                    _slots.TryRemove((site, placement, hour), out _);
                }

                continue;
            }

            _slotHour = Math.Max(_slotHour, hour);
            var owner = SiteOwner(site);
            var batch = Open(Groups ? GroupOwner(owner) : owner);
            var key = new CounterKey(owner, "", placement, hour, CounterKind.Requested);
            batch.Counts[key] = batch.Counts.GetValueOrDefault(key) + requested;
            if (filled > 0)
            {
                var filledKey = key with { Kind = CounterKind.Filled };
                batch.Counts[filledKey] = batch.Counts.GetValueOrDefault(filledKey) + filled;
            }

            batch.EventCount++;
            _pending++;
        }
    }

    private bool Reserve()
    {
        if (_pending < Capacity)
        {
            return true;
        }

        _dropped++;
        return false;
    }

    private CampaignBatch Open(string campaign)
    {
        if (!_open.TryGetValue(campaign, out var batch))
        {
            var order = ++_batchSequence;
            var group = CounterGroups.GroupOf(campaign);
            batch = new CampaignBatch(campaign, $"{_instance}-{order}")
            {
                OpenedAt = _time.GetTimestamp(),
                Order = order,
                Run = _instance,
                Sequence = group >= 0 ? ++_groupSequences[group] : 0,
            };
            if (group >= 0 && _spareEvents.TryPop(out var events))
            {
                batch.UseEvents(events);
            }

            _open[campaign] = batch;
        }

        return batch;
    }
}

/// <summary>A placement's requested and filled slots in one hour, counted in place.</summary>
internal sealed class SlotCounts
{
    public long Requested;
    public long Filled;
}
