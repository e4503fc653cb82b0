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
    private long _pending;
    private long _dropped;
    private long _batchSequence;
    private readonly string _instance = Guid.NewGuid().ToString("N")[..12];

    /// <summary>Creates an aggregate holding at most <paramref name="capacity"/> pending events.</summary>
    public EventAggregate(long capacity = 2_000_000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
    }

    /// <summary>Most events held before new ones are refused.</summary>
    public long Capacity { get; }

    /// <summary>Events waiting to be written (including batches waiting for a retry).</summary>
    public long Pending => Volatile.Read(ref _pending);

    /// <summary>Events refused because the aggregate was full.</summary>
    public long Dropped => Volatile.Read(ref _dropped);

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

            var batch = Open(e.Key.Campaign);
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

            var batch = Open(key.Campaign);
            batch.Counts[key] = batch.Counts.GetValueOrDefault(key) + 1;
            if (hold is { } h)
            {
                batch.Held[h] = batch.Held.GetValueOrDefault(h) + 1;
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

            var batch = Open(key.Campaign);
            batch.Counts[key] = batch.Counts.GetValueOrDefault(key) + 1;
            batch.EventCount++;
            _pending++;
            return true;
        }
    }

    /// <summary>
    /// Adds the slots of one decision to its site's inventory counts (<see cref="CounterKind.Requested"/> and
    /// <see cref="CounterKind.Filled"/> per placement and hour), under one lock: the batch of a site is the owner
    /// <see cref="SiteOwner"/> of its id.
    /// </summary>
    public bool AddSlots(string site, long hour, IReadOnlyList<(string Placement, bool Filled)> slots)
    {
        lock (_lock)
        {
            if (!Reserve())
            {
                return false;
            }

            var owner = SiteOwner(site);
            var batch = Open(owner);
            foreach (var (placement, filled) in slots)
            {
                var requested = new CounterKey(owner, "", placement, hour, CounterKind.Requested);
                batch.Counts[requested] = batch.Counts.GetValueOrDefault(requested) + 1;
                if (filled)
                {
                    var key = requested with { Kind = CounterKind.Filled };
                    batch.Counts[key] = batch.Counts.GetValueOrDefault(key) + 1;
                }
            }

            batch.EventCount++;
            _pending++;
            return true;
        }
    }

    /// <summary>The batch owner of a site's counts: <c>@</c> and its id (ids never start with <c>@</c>, so no campaign is one).</summary>
    public static string SiteOwner(string site) => "@" + site;

    /// <summary>The site of a batch owner, or <c>null</c> for a campaign.</summary>
    public static string? SiteOf(string owner) => owner.StartsWith('@') ? owner[1..] : null;

    /// <summary>Takes everything pending: first the batches to retry, then the new ones.</summary>
    public IReadOnlyList<CampaignBatch> TakeBatches()
    {
        lock (_lock)
        {
            if (_open.Count == 0 && _retry.Count == 0)
            {
                return [];
            }

            var batches = new List<CampaignBatch>(_retry.Count + _open.Count);
            batches.AddRange(_retry);
            batches.AddRange(_open.Values);
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
            _pending -= batch.EventCount;
            foreach (var e in batch.Events)
            {
                _seenTokens.Remove(e.TokenId);
            }
        }
    }

    /// <summary>Hands back a batch that could not be written; it is retried, unchanged, before anything newer.</summary>
    public void Return(CampaignBatch batch)
    {
        lock (_lock)
        {
            _retry.Add(batch);
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
            batch = new CampaignBatch(campaign, $"{_instance}-{++_batchSequence}");
            _open[campaign] = batch;
        }

        return batch;
    }
}
