using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using StackExchange.Redis;
using Suara.Ads.Core.Counting;
using Suara.Ads.Core.Delivery;
using Suara.Ads.Core.Snapshot;
using Suara.Ads.Core.Utilities;
using Suara.Ads.Server.Hosting;

namespace Suara.Ads.Server.Delivery;

/// <summary>
/// What each campaign with a goal has delivered, shared by all instances: counted impressions plus the ads served in
/// the live hold buckets and not yet released by their impressions, read from Redis about every second
/// (<see cref="RefreshAsync"/>); plus this instance's holds that the last read cannot have seen. Reads on the decision
/// path are local lookups.
/// </summary>
/// <remarks>
/// A hold made here is <em>pending</em> until the flusher has written it (<see cref="Written"/>); then it counts as
/// <em>written</em> until a read that began after the write is in force. So it is never missing from the view, and is in
/// it twice only when its write is confirmed while a read is in flight (until the next read). Pending holds expire
/// with their bucket at the next refresh (at most a second later), also while Redis is away. A campaign is unknown (<see cref="TryGetFlightDelivered"/> is
/// <c>false</c>) until a read has included it.
/// </remarks>
internal sealed class RedisDeliveryLedger : IDeliveryLedger, ICatalogWarmup
{
    private readonly RedisConnection _redis;
    private readonly DeliveryKeys _keys;
    private readonly CatalogSnapshotHolder _catalog;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, PendingHolds> _pending = new(StringComparer.Ordinal);
    // Each campaign's totals as last read, updated in place for the campaigns a read covers (so a refresh costs what
    // changed, not the catalog's size); a campaign not in it is unknown.
    private readonly ConcurrentDictionary<string, Parts> _totals = new(StringComparer.Ordinal);
    // The newest catalog whose every campaign with a goal is in _totals (and stays there: none is ever dropped), so a
    // catalog derived from it by a change has its unknown campaigns among the changed chunks only.
    private volatile CatalogSnapshot? _complete;
    private volatile WrittenHolds[] _written = [new()];
    // Marks campaigns changed at Redis's time (so instances' clocks never disagree; one ZADD per 3,000 marks) and trims entries older than an hour.
    private const string MarkScript = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local args = {}
        for i = 1, #ARGV do
          args[#args + 1] = now
          args[#args + 1] = ARGV[i]
          if #args >= 6000 then
            redis.call('ZADD', KEYS[1], unpack(args))
            args = {}
          end
        end
        if #args > 0 then redis.call('ZADD', KEYS[1], unpack(args)) end
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. (now - 3600000))
        return now
        """;

    // Redis's time, then the campaigns changed since ARGV[1] (ms; none: 0) or in the last ARGV[2] ms, whichever is longer.
    private const string ChangedScript = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local since = now - tonumber(ARGV[2])
        local last = tonumber(ARGV[1])
        if last > 0 and last < since then since = last end
        local changed = redis.call('ZRANGEBYSCORE', KEYS[1], since, '+inf')
        table.insert(changed, 1, tostring(now))
        return changed
        """;

    /// <summary>
    /// How far back a refresh re-reads changed campaigns: longer than a hold stays live (its bucket and the live buckets
    /// after it), so the read that sees a campaign's last hold expire is among them, with room for a write that reached
    /// Redis before its mark did.
    /// </summary>
    public static readonly TimeSpan ChangedWindow = TimeSpan.FromSeconds((DeliveryHolds.LiveBuckets + 3) * DeliveryHolds.BucketSeconds);

    /// <summary>A refresh that follows the last by more than this reads every campaign (the marks are kept an hour).</summary>
    public static readonly TimeSpan FullReadAfter = TimeSpan.FromMinutes(50);

    /// <summary>
    /// Campaigns re-read in their group's hash on every refresh besides the changed ones, all of one group (one read), the
    /// groups in turn, each group's in turn through the catalog: so a change whose mark was lost (its writer died between
    /// its counts and its mark) is still seen, within catalog size / this seconds (10,000 campaigns: 21 minutes), for a
    /// few commands a second whatever the catalog's size.
    /// </summary>
    public const int SweepPerRefresh = 8;

    /// <summary>
    /// With the counting groups on (<see cref="AdsOptions.CountingGroups"/>), campaigns re-read in their own
    /// (per-campaign) hash on every refresh, in turn through the catalog, for the same reason: one command each (10,000
    /// campaigns: 83 minutes), as only tokens issued before the groups (and instances without them) still write those
    /// hashes. Without the groups, <see cref="SweepPerRefresh"/>, as before.
    /// </summary>
    public const int OwnSweepPerRefreshWithGroups = 2;

    /// <summary>Campaigns re-read in their own hash on every refresh (<see cref="OwnSweepPerRefreshWithGroups"/>).</summary>
    public int OwnSweepPerRefresh => _groups ? OwnSweepPerRefreshWithGroups : SweepPerRefresh;

    /// <summary>The mark of a campaign whose fields in its group's delivery hash were written (<c>g:</c>, then the id, which has no <c>:</c>).</summary>
    public const string GroupMarkPrefix = "g:";

    /// <summary>The mark in <see cref="DeliveryKeys.Changed"/> of a group write of <paramref name="campaign"/>'s delivery.</summary>
    public static string GroupMark(string campaign) => GroupMarkPrefix + campaign;

    private readonly bool _groups;

    private readonly AdsMetrics _metrics;
    private int _sweep;
    private int _groupSweep;
    private readonly int[] _groupSweeps = new int[CounterGroups.Count];
    private long _loadedVersion = -1;
    private long _changesReadAt; // Redis's time (ms) of the last refresh that succeeded; 0: none yet, read everything
    private long _refreshedTimestamp;

    public RedisDeliveryLedger(RedisConnection redis, DeliveryKeys keys, CatalogSnapshotHolder catalog, TimeProvider time, AdsMetrics metrics, Microsoft.Extensions.Options.IOptions<AdsOptions> options)
    {
        _groups = options.Value.CountingGroups;
        _redis = redis;
        _keys = keys;
        _catalog = catalog;
        _time = time;
        _metrics = metrics;
        _refreshedTimestamp = time.GetTimestamp();
        metrics.ObserveSeconds(
            "suara.ads.delivery.age",
            () => Age.TotalSeconds,
            "Seconds since this instance last read the delivered totals of the campaigns with a goal (about 1 while Redis answers; rising: goals and pacing judge by an older view, the holds made here still count).");
    }

    /// <summary>How long since the last successful <see cref="RefreshAsync"/> (since the start, before the first).</summary>
    public TimeSpan Age => _time.GetElapsedTime(Interlocked.Read(ref _refreshedTimestamp));

    /// <summary>The catalog version whose campaigns' totals the last successful read covered; -1 before the first.</summary>
    public long LoadedVersion => Interlocked.Read(ref _loadedVersion);

    /// <summary>Whether the delivery totals of the catalog in force have been read at least once.</summary>
    public bool IsLoaded => LoadedVersion >= 0 && _catalog.IsLoaded;

    public bool TryGetFlightDelivered(string campaignId, out long delivered)
    {
        if (!_totals.TryGetValue(campaignId, out var shared))
        {
            delivered = 0;
            return false;
        }

        delivered = shared.Flight + (_pending.TryGetValue(campaignId, out var pending) ? pending.Flight : 0);
        foreach (var written in _written)
        {
            delivered += written.Flight.GetValueOrDefault(campaignId);
        }

        return true;
    }

    public bool TryGetDayDelivered(string campaignId, int siteDay, out long delivered)
    {
        // A day after the one last read starts at 0 (what was written on it since is marked, so read within a second).
        if (!_totals.TryGetValue(campaignId, out var shared) || siteDay < shared.Day)
        {
            delivered = 0;
            return false;
        }

        delivered = (siteDay == shared.Day ? shared.OwnDay + shared.GroupDay : 0) + (_pending.TryGetValue(campaignId, out var pending) ? pending.Day(siteDay) : 0);
        foreach (var written in _written)
        {
            delivered += written.Day.GetValueOrDefault((campaignId, siteDay));
        }

        return true;
    }

    public void Hold(string campaignId, HoldKey hold) =>
        _pending.GetOrAdd(campaignId, static _ => new PendingHolds()).Add(hold, 1);

    /// <summary>The flusher wrote these holds of <paramref name="campaignId"/> to Redis: they are no longer pending.</summary>
    public void Written(string campaignId, IReadOnlyDictionary<HoldKey, long> holds)
    {
        if (holds.Count == 0)
        {
            return;
        }

        var live = CurrentBucket();
        var written = _written[0];
        foreach (var (hold, count) in holds)
        {
            if (_pending.TryGetValue(campaignId, out var pending))
            {
                pending.Add(hold, -count);
            }

            // Only what the script kept (a live bucket) is in Redis for the next read to see.
            if (DeliveryHolds.IsLive(hold.Bucket, live))
            {
                written.Flight.AddOrUpdate(campaignId, count, (_, n) => n + count);
                written.Day.AddOrUpdate((campaignId, hold.SiteDay), count, (_, n) => n + count);
            }
        }
    }

    /// <summary>
    /// Reads the delivery of the campaigns with a goal (one pipelined HMGET each): all of them at first, then those marked
    /// changed (<see cref="ReadChangedAsync"/>). Returns whether it succeeded.
    /// </summary>
    public async Task<bool> RefreshAsync()
    {
        // Expired pending holds go first, whether Redis can be read or not.
        foreach (var (campaign, pending) in _pending)
        {
            if (pending.Prune(CurrentBucket()))
            {
                _pending.TryRemove(campaign, out _);
            }
        }

        if (!_redis.IsConnected || !_catalog.IsLoaded)
        {
            return false;
        }

        var snapshot = _catalog.Current;

        // Writes confirmed from here on go to a new generation; those confirmed before are in the read.
        var before = _written;
        var rotated = new WrittenHolds[before.Length + 1];
        rotated[0] = new WrittenHolds();
        Array.Copy(before, 0, rotated, 1, before.Length);
        _written = rotated;
        var read = await ReadChangedAsync(snapshot, before).ConfigureAwait(false);
        if (read is null)
        {
            var merged = new WrittenHolds();
            foreach (var generation in before)
            {
                generation.MergeInto(merged);
            }

            _written = [rotated[0], merged];
            return false;
        }

        // What this read covered replaces what was known; the other campaigns keep their totals. Until the written holds
        // it saw are dropped (just below), those are counted twice: too much delivered for a moment, never too little.
        foreach (var (campaign, parts) in read)
        {
            _totals[campaign] = parts;
        }

        _written = [rotated[0]];
        Completed(snapshot);

        Interlocked.Exchange(ref _loadedVersion, snapshot.Version);
        Interlocked.Exchange(ref _refreshedTimestamp, _time.GetTimestamp());
        return true;
    }

    /// <summary>
    /// The flusher wrote these campaigns' delivery hashes: marks them changed, so every instance's next refreshes read them.
    /// One command whatever their number; throws when Redis cannot be reached (the flusher keeps the marks and retries).
    /// </summary>
    public Task MarkChangedAsync(IReadOnlyCollection<string> campaigns) =>
        campaigns.Count == 0
            ? Task.CompletedTask
            : _redis.Database.ScriptEvaluateAsync(MarkScript, [_keys.Changed()], [.. campaigns.Select(c => (RedisValue)c)]);

    /// <summary>
    /// A refresh's read: every campaign with a goal the first time (or after a long gap), after that only those marked
    /// changed since the last read or within <see cref="ChangedWindow"/>, those this instance wrote since, those not
    /// known yet (looked for once per catalog version) and the next <see cref="SweepPerRefresh"/> in turn; the others
    /// keep their totals (and a new site day starts at 0: nothing was written for it). So an idle instance sends a few
    /// commands a second, and does work in proportion to what changed, whatever the size of the catalog. Each layout
    /// is read for what changed in it: a mark <c>CAMPAIGN</c> re-reads the campaign's own hash, <c>g:CAMPAIGN</c> its
    /// fields in its group's hash (one <c>HMGET</c> per group for all of them).
    /// </summary>
    private async Task<Dictionary<string, Parts>?> ReadChangedAsync(CatalogSnapshot snapshot, WrittenHolds[] writtenHere)
    {
        var last = Interlocked.Read(ref _changesReadAt);
        if (await ChangedSinceAsync(last).ConfigureAwait(false) is not { } changed)
        {
            return null;
        }

        var now = (long)changed[0];
        Dictionary<string, Parts>? read;
        if (last <= 0 || now - last > FullReadAfter.TotalMilliseconds)
        {
            read = await ReadAsync(snapshot, snapshot.Campaigns, static _ => true, static _ => true).ConfigureAwait(false);
        }
        else
        {
            var own = new HashSet<string>(StringComparer.Ordinal);
            var grouped = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 1; i < changed.Length; i++)
            {
                var member = (string)changed[i]!;
                if (member.StartsWith(GroupMarkPrefix, StringComparison.Ordinal))
                {
                    grouped.Add(member[GroupMarkPrefix.Length..]);
                }
                else
                {
                    own.Add(member);
                }
            }

            foreach (var generation in writtenHere)
            {
                (_groups ? grouped : own).UnionWith(generation.Flight.Keys);
            }

            // The sweep: the next few campaigns' own hashes, and the next few of one group (one read), in turn.
            var campaigns = snapshot.Campaigns;
            for (var i = 0; i < OwnSweepPerRefresh && i < campaigns.Count; i++)
            {
                own.Add(campaigns[(_sweep + i) % campaigns.Count].Id);
            }

            _sweep = campaigns.Count == 0 ? 0 : (_sweep + OwnSweepPerRefresh) % campaigns.Count;
            var group = _groupSweep;
            _groupSweep = (_groupSweep + 1) % CounterGroups.Count;
            var cursor = _groupSweeps[group];
            for (var (found, scanned) = (0, 0); found < SweepPerRefresh && scanned < campaigns.Count; scanned++)
            {
                var id = campaigns[cursor++ % campaigns.Count].Id;
                if (CounterGroups.Of(id) == group)
                {
                    grouped.Add(id);
                    found++;
                }
            }

            _groupSweeps[group] = campaigns.Count == 0 ? 0 : cursor % campaigns.Count;

            // Campaigns not known yet (new in a catalog whose preparation could not read them): both layouts.
            foreach (var campaign in Unknown(snapshot))
            {
                own.Add(campaign.Id);
                grouped.Add(campaign.Id);
            }

            var toRead = new List<CompiledCampaign>(own.Count + grouped.Count);
            foreach (var id in own.Concat(grouped.Where(g => !own.Contains(g))))
            {
                if (snapshot.CampaignsById.TryGetValue(id, out var campaign))
                {
                    toRead.Add(campaign);
                }
            }

            read = await ReadAsync(snapshot, toRead, c => own.Contains(c.Id), c => grouped.Contains(c.Id)).ConfigureAwait(false);
        }

        if (read is not null)
        {
            Interlocked.Exchange(ref _changesReadAt, now);
        }

        return read;
    }

    /// <summary>Redis's time (ms), then the marks since <paramref name="last"/> (<see cref="ChangedScript"/>); <c>null</c> when Redis cannot be read.</summary>
    private async Task<RedisResult[]?> ChangedSinceAsync(long last)
    {
        try
        {
            return (RedisResult[])(await _redis.Database.ScriptEvaluateAsync(
                ChangedScript,
                [_keys.Changed()],
                [last, (long)ChangedWindow.TotalMilliseconds]).ConfigureAwait(false))!;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return null;
        }
    }

    /// <summary>
    /// The campaigns of <paramref name="snapshot"/> with a goal whose totals are not known yet, looked for only where it
    /// differs from the last catalog known complete (<see cref="ChunkedList{T}.NotSharedWith"/>): a change costs its
    /// chunk, not a walk over every campaign.
    /// </summary>
    private List<CompiledCampaign> Unknown(CatalogSnapshot snapshot)
    {
        var unknown = new List<CompiledCampaign>();
        var complete = _complete;
        if (complete is not null && complete.Version == snapshot.Version)
        {
            return unknown;
        }

        foreach (var campaign in snapshot.Campaigns.NotSharedWith(complete?.Campaigns))
        {
            if (campaign.GoalUnits > 0 && !_totals.ContainsKey(campaign.Id))
            {
                unknown.Add(campaign);
            }
        }

        return unknown;
    }

    /// <summary>Before a catalog comes into force: reads the totals of its campaigns with a goal that are not known yet.</summary>
    public async Task PrepareAsync(CatalogSnapshot next)
    {
        if (!_redis.IsConnected)
        {
            return;
        }

        var unknown = Unknown(next);
        if (unknown.Count > 0)
        {
            // The first catalog's read covers every campaign: taken from Redis's time before it, the first refresh reads
            // only what was marked changed since (as every later one does) rather than every campaign again.
            var first = _complete is null && Interlocked.Read(ref _changesReadAt) <= 0;
            var since = first && await ChangedSinceAsync(0).ConfigureAwait(false) is { } changed ? (long)changed[0] : 0;
            if (await ReadAsync(next, unknown, static _ => true, static _ => true).ConfigureAwait(false) is not { } read)
            {
                return;
            }

            // A refresh that ran meanwhile read them no earlier than this: its values stay.
            foreach (var (campaign, parts) in read)
            {
                _totals.TryAdd(campaign, parts);
            }

            if (since > 0)
            {
                Interlocked.CompareExchange(ref _changesReadAt, since, 0);
            }
        }

        Completed(next);
    }

    /// <summary>Every campaign with a goal in <paramref name="snapshot"/> is known now (and stays so: none is ever dropped).</summary>
    private void Completed(CatalogSnapshot snapshot)
    {
        CatalogSnapshot? seen;
        while ((seen = _complete) is null || seen.Version < snapshot.Version)
        {
            if (Interlocked.CompareExchange(ref _complete, snapshot, seen) == seen)
            {
                return;
            }
        }
    }

    private long CurrentBucket() => DeliveryHolds.Bucket(_time.GetUtcNow());

    /// <param name="snapshot">The catalog the campaigns are from (their days are counted in its sites' time zones).</param>
    /// <param name="campaigns">The campaigns to read; those without a goal are passed over.</param>
    /// <param name="includeOwn">Which of them to read in their own (per-campaign) hash.</param>
    /// <param name="includeGroup">Which of them to read in their group's hash.</param>
    /// <returns>The parts of the campaigns read (a layout not read keeps what was known; a new site day's from 0); <c>null</c> when Redis could not be read.</returns>
    private async Task<Dictionary<string, Parts>?> ReadAsync(CatalogSnapshot snapshot, IEnumerable<CompiledCampaign> campaigns, Func<CompiledCampaign, bool> includeOwn, Func<CompiledCampaign, bool> includeGroup)
    {
        var now = _time.GetUtcNow();
        var bucket = DeliveryHolds.Bucket(now);
        var fields = new RedisValue[2 + (2 * DeliveryHolds.LiveBuckets)];
        fields[0] = "total";
        for (var i = 0; i < DeliveryHolds.LiveBuckets; i++)
        {
            var b = (bucket - i).ToString(CultureInfo.InvariantCulture);
            fields[2 + (2 * i)] = "s:" + b;
            fields[3 + (2 * i)] = "i:" + b;
        }

        var db = _redis.Database;
        var reads = new List<(string Campaign, int Day, bool Held, Task<RedisValue[]> Values)>();
        var groupFields = new List<RedisValue>[CounterGroups.Count];
        var groupReads = new List<(string Campaign, int Day, bool Held, int Group, int First)>();
        var parts = new Dictionary<string, Parts>(StringComparer.Ordinal);
        foreach (var campaign in campaigns)
        {
            if (campaign.GoalUnits <= 0)
            {
                continue;
            }

            var (own, grouped) = (includeOwn(campaign), includeGroup(campaign));
            if (!own && !grouped)
            {
                continue;
            }

            // The layout not read keeps its value (a new site day starts at 0).
            var day = (int)(TimeZoneInfo.ConvertTime(now, snapshot.ZoneOf(campaign)).DateTime.Ticks / TimeSpan.TicksPerDay);
            var before = _totals.TryGetValue(campaign.Id, out var p) ? p.On(day) : new Parts(day, 0, 0, 0, 0);
            parts[campaign.Id] = before;
            if (own)
            {
                if (campaign.HoldsDelivery)
                {
                    var campaignFields = (RedisValue[])fields.Clone();
                    campaignFields[1] = DeliveryKeys.DayField(day);
                    reads.Add((campaign.Id, day, true, db.HashGetAsync(_keys.Delivery(campaign.Id), campaignFields)));
                }
                else
                {
                    // A goal of clicks: counted clicks, nothing held (a click cannot be foreseen from its decision).
                    reads.Add((campaign.Id, day, false, db.HashGetAsync(_keys.Delivery(campaign.Id), ["clicks", DeliveryKeys.ClickDayField(day)])));
                }
            }

            if (grouped)
            {
                var group = CounterGroups.Of(campaign.Id);
                var list = groupFields[group] ??= [];
                groupReads.Add((campaign.Id, day, campaign.HoldsDelivery, group, list.Count));
                if (campaign.HoldsDelivery)
                {
                    list.Add(DeliveryKeys.GroupField(campaign.Id, "t"));
                    list.Add(DeliveryKeys.GroupField(campaign.Id, DeliveryKeys.GroupDayField(day)));
                    for (var i = 0; i < DeliveryHolds.LiveBuckets; i++)
                    {
                        list.Add(DeliveryKeys.GroupField(campaign.Id, DeliveryKeys.GroupHoldField(bucket - i)));
                    }
                }
                else
                {
                    list.Add(DeliveryKeys.GroupField(campaign.Id, "c"));
                    list.Add(DeliveryKeys.GroupField(campaign.Id, DeliveryKeys.GroupClickDayField(day)));
                }
            }
        }

        var groupValues = new Task<RedisValue[]>?[CounterGroups.Count];
        for (var g = 0; g < CounterGroups.Count; g++)
        {
            if (groupFields[g] is { Count: > 0 } list)
            {
                groupValues[g] = db.HashGetAsync(_keys.GroupDelivery(g), [.. list]);
            }
        }

        try
        {
            var asked = System.Diagnostics.Stopwatch.GetTimestamp();
            await Task.WhenAll(reads.Select(r => r.Values).Concat(groupValues.OfType<Task<RedisValue[]>>())).ConfigureAwait(false);
            if (reads.Count > 0 || groupReads.Count > 0)
            {
                _metrics.RedisRoundTrip("delivery_read", System.Diagnostics.Stopwatch.GetElapsedTime(asked));
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return null;
        }

        foreach (var (campaign, day, hasHolds, values) in reads)
        {
            var result = values.Result;
            long held = 0;
            for (var i = 0; hasHolds && i < DeliveryHolds.LiveBuckets; i++)
            {
                held += Math.Max(0, Long(result[2 + (2 * i)]) - Long(result[3 + (2 * i)]));
            }

            parts[campaign] = parts[campaign] with { OwnFlight = Long(result[0]) + held, OwnDay = Long(result[1]) + held };
        }

        foreach (var (campaign, day, hasHolds, group, first) in groupReads)
        {
            var result = groupValues[group]!.Result;
            long held = 0;
            for (var i = 0; hasHolds && i < DeliveryHolds.LiveBuckets; i++)
            {
                held += DeliveryKeys.GroupHeld(result[first + 2 + i], bucket - i);
            }

            parts[campaign] = parts[campaign] with { GroupFlight = Long(result[first]) + held, GroupDay = DeliveryKeys.GroupDayCount(result[first + 1], day) + held };
        }

        return parts;
    }

    private static long Long(RedisValue value) => value.TryParse(out long n) ? n : 0;

    /// <summary>
    /// What a campaign has delivered on its current site day <paramref name="Day"/>, by layout: in its own hash and in its
    /// group's, each with its live holds (so that one can be re-read without the other).
    /// </summary>
    private readonly record struct Parts(int Day, long OwnFlight, long OwnDay, long GroupFlight, long GroupDay)
    {
        /// <summary>These parts on <paramref name="siteDay"/>: a new day's counts start at 0.</summary>
        public Parts On(int siteDay) => siteDay == Day ? this : new Parts(siteDay, OwnFlight, 0, GroupFlight, 0);

        /// <summary>Delivered in the whole flight, both layouts.</summary>
        public long Flight => OwnFlight + GroupFlight;
    }

    /// <summary>Holds written to Redis and perhaps not yet in the last read.</summary>
    private sealed class WrittenHolds
    {
        public ConcurrentDictionary<string, long> Flight { get; } = new(StringComparer.Ordinal);

        public ConcurrentDictionary<(string, int), long> Day { get; } = new();

        public void MergeInto(WrittenHolds target)
        {
            foreach (var (k, v) in Flight)
            {
                target.Flight.AddOrUpdate(k, v, (_, n) => n + v);
            }

            foreach (var (k, v) in Day)
            {
                target.Day.AddOrUpdate(k, v, (_, n) => n + v);
            }
        }
    }

    /// <summary>
    /// One campaign's holds made here and not yet written, by bucket and day (a handful of entries, changed under a
    /// lock), with running totals the decision path reads without one. Expired buckets leave the totals at the next
    /// <see cref="Prune"/> (every refresh, about a second).
    /// </summary>
    private sealed class PendingHolds
    {
        private readonly Dictionary<HoldKey, long> _holds = [];
        private readonly ConcurrentDictionary<int, StrongBox<long>> _days = new();
        private long _flight;

        public long Flight => Volatile.Read(ref _flight);

        public long Day(int siteDay) => _days.TryGetValue(siteDay, out var box) ? Volatile.Read(ref box.Value) : 0;

        public void Add(HoldKey hold, long count)
        {
            lock (_holds)
            {
                var current = _holds.GetValueOrDefault(hold);
                var next = Math.Max(0, current + count);
                if (next > 0)
                {
                    _holds[hold] = next;
                }
                else
                {
                    _holds.Remove(hold);
                }

                Move(hold.SiteDay, next - current);
            }
        }

        /// <summary>Drops expired holds; <c>true</c> when none is left.</summary>
        public bool Prune(long currentBucket)
        {
            lock (_holds)
            {
                foreach (var (hold, count) in _holds.Where(h => !DeliveryHolds.IsLive(h.Key.Bucket, currentBucket)).ToList())
                {
                    _holds.Remove(hold);
                    Move(hold.SiteDay, -count);
                }

                return _holds.Count == 0;
            }
        }

        private void Move(int siteDay, long delta)
        {
            if (delta != 0)
            {
                Interlocked.Add(ref _flight, delta);
                Interlocked.Add(ref _days.GetOrAdd(siteDay, static _ => new StrongBox<long>()).Value, delta);
            }
        }
    }
}
