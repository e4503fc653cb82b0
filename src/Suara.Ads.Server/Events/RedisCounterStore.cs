using System.Globalization;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Suara.Ads.Core.Counting;
using Suara.Ads.Core.Delivery;
using Suara.Ads.Core.Events;
using Suara.Ads.Core.Snapshot;
using Suara.Ads.Server.Delivery;
using Suara.Ads.Server.Hosting;

namespace Suara.Ads.Server.Events;

/// <summary>
/// Writes one campaign's batch in one atomic script: the campaign's set of applied batches makes a retry of the same
/// batch a no-op (one key per campaign, pruned as it goes, not one per flush); an impression counts only if its ad is
/// new to its de-duplication key (an ad has one impression token), a viewable or click only if it is new there itself:
/// for a numbered ad (token version 3) bits of its issuer's bitmap of the day, for older tokens the ad's marker and the
/// token id in the campaign's set of the issue hour; an impression delivers (flight and day totals) and releases its decision's hold; a viewable or click whose ad has no
/// counted impression is counted as invalid instead. All keys share the campaign's hash tag, so the script runs on one
/// Redis Cluster node.
/// </summary>
internal sealed class RedisCounterStore
{
    /// <summary>A token is valid 24 h after its issue hour; its de-duplication set must outlive that.</summary>
    public static readonly TimeSpan SeenRetention = TimeSpan.FromHours(26);

    /// <summary>How long a retry of a written batch is recognised.</summary>
    public static readonly TimeSpan BatchRetention = TimeSpan.FromDays(1);

    // KEYS[1]: the campaign's applied batches. ARGV: hourly counter ttl, seen ttl, batch ttl, current hold bucket, live
    // buckets, now (Unix seconds), batch id, daily ttl, then ops. Every counter cell is counted twice: in the hour's hash
    // (k, field; kept for the hourly retention) and in the site-local month's hash (m, dfield; kept 400 days).
    //   'n', k, field, m, dfield, amount                         plain increment (served, invalid)
    //   'h', d, bucket, amount                                   ads served and held in a hold bucket of delivery hash d
    //   'I', k, field, m, dfield, s, at, d, dayField, n,         impressions of one counter cell, day and de-duplication
    //        n × (ad, bucket)                                    key s; an ad has one impression token, so its ad is its identity
    //   'J', k, field, m, dfield, s, at, d, dayField, bucket,    the same for impressions of one hold bucket that need no
    //        n, n × ad                                           answer per event (no viewer to cap)
    //   'F', k, field, m, dfield, invalidField, dInvalidField,   viewables or clicks of one cell: counted only after their
    //        s, at, d, clickDayField, n, n × (own, ad)           ad's impression; clicks also count in d ('' for viewables)
    //   'R', r, n, n × viewer                                    viewers of counted impressions, into the day's reach HLL
    // The de-duplication key s is one of two kinds, told by at:
    //   at = 0: the campaign's set of an issue hour (tokens of versions 1 and 2): an ad is the member 'i:' .. ad (its
    //           decision and creative), a viewable or click its own token id (own); kept 'seen ttl' after the last write.
    //   at > 0: the bitmap of one issuer and UTC issue day (version 3): ad and own are bit offsets (3 × the ad's number,
    //           plus 1 for its viewable, 2 for its click); the key expires in at seconds (the same moment, its day's end
    //           and 'seen ttl', whenever written). One BITFIELD call per group sets the bits and answers which were set before.
    // Each group is a handful of commands however many events it holds. Impressions come before follow-ups, so both
    // arriving in one batch count. Returns {1, counted impressions (their ordinals among all impressions), follow-ups
    // refused for want of an impression (ordinals among all follow-ups)}, or {0} for a batch already applied.
    private const string Script = """
        local clock = tonumber(ARGV[6])
        if redis.call('ZADD', KEYS[1], 'NX', clock, ARGV[7]) == 0 then return {0} end
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', clock - tonumber(ARGV[3]))
        redis.call('EXPIRE', KEYS[1], ARGV[3])
        local now = tonumber(ARGV[4])
        local live = tonumber(ARGV[5])
        local daily = ARGV[8]
        local oldest = now - live + 1
        local ttl = {}
        local expireAt = {}
        local holds = {}
        local counted = {}
        local refused = {}
        local ni = 0
        local nf = 0
        local function count(k, field, m, dfield, amount)
          redis.call('HINCRBY', KEYS[k], field, amount)
          redis.call('HINCRBY', KEYS[m], dfield, amount)
          ttl[k] = ARGV[1]
          ttl[m] = daily
        end
        local function deliver(d, field, dayField, amount)
          redis.call('HINCRBY', KEYS[d], field, amount)
          redis.call('HINCRBY', KEYS[d], dayField, amount)
          ttl[d] = daily
        end
        local function bitfield(s, op, offsets)
          local args = {}
          for _, offset in ipairs(offsets) do
            args[#args + 1] = op
            args[#args + 1] = 'u1'
            args[#args + 1] = offset
            if op == 'SET' then args[#args + 1] = 1 end
          end
          return redis.call('BITFIELD', KEYS[s], unpack(args))
        end
        -- 1 for each member already in the de-duplication key s, else 0.
        local function has(s, at, members)
          if at == 0 then return redis.call('SMISMEMBER', KEYS[s], unpack(members)) end
          return bitfield(s, 'GET', members)
        end
        -- Adds the members; 1 for each that was there before, else 0.
        local function add(s, at, members)
          if at == 0 then
            local known = redis.call('SMISMEMBER', KEYS[s], unpack(members))
            redis.call('SADD', KEYS[s], unpack(members))
            return known
          end
          return bitfield(s, 'SET', members)
        end
        -- Adds the members; how many were new.
        local function added(s, at, members)
          if at == 0 then return redis.call('SADD', KEYS[s], unpack(members)) end
          local new = 0
          for _, old in ipairs(bitfield(s, 'SET', members)) do new = new + 1 - old end
          return new
        end
        local function marker(at, ad)
          if at == 0 then return 'i:' .. ad end
          return ad
        end
        local function keep(s, at)
          if at == 0 then ttl[s] = ARGV[2] else expireAt[s] = at end
        end
        local function release(d, b, c)
          if b >= oldest and redis.call('HEXISTS', KEYS[d], 's:' .. b) == 1 then
            redis.call('HINCRBY', KEYS[d], 'i:' .. b, c)
            holds[d] = true
          end
        end
        local i = 9
        while i <= #ARGV do
          local op = ARGV[i]
          local k = tonumber(ARGV[i + 1])
          if op == 'n' then
            count(k, ARGV[i + 2], tonumber(ARGV[i + 3]), ARGV[i + 4], ARGV[i + 5])
            i = i + 6
          elseif op == 'h' then
            local b = tonumber(ARGV[i + 2])
            if b >= oldest then
              redis.call('HINCRBY', KEYS[k], 's:' .. b, ARGV[i + 3])
              holds[k] = true
            end
            ttl[k] = daily
            i = i + 4
          elseif op == 'R' then
            local n = tonumber(ARGV[i + 2])
            local viewers = {}
            for j = 1, n do viewers[j] = ARGV[i + 2 + j] end
            redis.call('PFADD', KEYS[k], unpack(viewers))
            ttl[k] = daily
            i = i + 3 + n
          elseif op == 'J' then
            local m = tonumber(ARGV[i + 3])
            local s = tonumber(ARGV[i + 5])
            local at = tonumber(ARGV[i + 6])
            local d = tonumber(ARGV[i + 7])
            local b = tonumber(ARGV[i + 9])
            local n = tonumber(ARGV[i + 10])
            local first = i + 11
            local ads = {}
            for j = 0, n - 1 do ads[j + 1] = marker(at, ARGV[first + j]) end
            local new = added(s, at, ads)
            if new > 0 then
              count(k, ARGV[i + 2], m, ARGV[i + 4], new)
              deliver(d, 'total', ARGV[i + 8], new)
              release(d, b, new)
            end
            keep(s, at)
            i = first + n
          elseif op == 'I' then
            local m = tonumber(ARGV[i + 3])
            local s = tonumber(ARGV[i + 5])
            local at = tonumber(ARGV[i + 6])
            local d = tonumber(ARGV[i + 7])
            local n = tonumber(ARGV[i + 9])
            local first = i + 10
            local ads = {}
            for j = 0, n - 1 do ads[j + 1] = marker(at, ARGV[first + 2 * j]) end
            local known = add(s, at, ads)
            local new = 0
            local released = {}
            for j = 1, n do
              ni = ni + 1
              if known[j] == 0 then
                new = new + 1
                local b = tonumber(ARGV[first + 2 * (j - 1) + 1])
                if b >= oldest then released[b] = (released[b] or 0) + 1 end
                counted[#counted + 1] = ni
              end
            end
            if new > 0 then
              count(k, ARGV[i + 2], m, ARGV[i + 4], new)
              deliver(d, 'total', ARGV[i + 8], new)
              for b, c in pairs(released) do release(d, b, c) end
            end
            keep(s, at)
            i = first + 2 * n
          else
            local m = tonumber(ARGV[i + 3])
            local s = tonumber(ARGV[i + 7])
            local at = tonumber(ARGV[i + 8])
            local d = tonumber(ARGV[i + 9])
            local clickDay = ARGV[i + 10]
            local n = tonumber(ARGV[i + 11])
            local first = i + 12
            local ads = {}
            for j = 0, n - 1 do ads[j + 1] = marker(at, ARGV[first + 2 * j + 1]) end
            local shown = has(s, at, ads)
            local own = {}
            for j = 1, n do
              nf = nf + 1
              if shown[j] == 0 then
                refused[#refused + 1] = nf
              else
                own[#own + 1] = ARGV[first + 2 * (j - 1)]
              end
            end
            local invalid = n - #own
            if invalid > 0 then
              count(k, ARGV[i + 5], m, ARGV[i + 6], invalid)
            end
            if #own > 0 then
              local new = added(s, at, own)
              if new > 0 then
                count(k, ARGV[i + 2], m, ARGV[i + 4], new)
                if clickDay ~= '' then deliver(d, 'clicks', clickDay, new) end
              end
              keep(s, at)
            end
            i = first + 2 * n
          end
        end
        for d in pairs(holds) do
          local lo = tonumber(redis.call('HGET', KEYS[d], 'lo') or oldest)
          for x = lo, math.min(oldest - 1, lo + 16) do redis.call('HDEL', KEYS[d], 's:' .. x, 'i:' .. x) end
          if oldest > lo or not redis.call('HEXISTS', KEYS[d], 'lo') then redis.call('HSET', KEYS[d], 'lo', math.max(lo, oldest)) end
        end
        for k, t in pairs(ttl) do redis.call('EXPIRE', KEYS[k], t) end
        for s, t in pairs(expireAt) do redis.call('EXPIRE', KEYS[s], t) end
        return {1, counted, refused}
        """;

    /// <summary>The group of impressions whose counting must be answered per event (a viewer's cap follows from it).</summary>
    private const long PerEvent = long.MinValue;

    /// <summary>Events per group operation: Lua's unpack has a stack limit of a few thousand values.</summary>
    private const int MaxEventsPerOperation = 1_000;

    private readonly RedisConnection _redis;
    private readonly CounterKeys _keys;
    private readonly DeliveryKeys _delivery;
    private readonly TimeProvider _time;
    private readonly CatalogSnapshotHolder _catalog;
    private readonly RetentionOptions _retention;
    private readonly HashSet<(string Owner, long Day)> _recorded = []; // owner-days this instance added to PerCampaignOwners
    private readonly Lock _recordedLock = new();

    public RedisCounterStore(RedisConnection redis, CounterKeys keys, DeliveryKeys delivery, TimeProvider time, CatalogSnapshotHolder catalog, IOptions<RetentionOptions> retention)
    {
        _catalog = catalog;
        _retention = retention.Value;
        _redis = redis;
        _keys = keys;
        _delivery = delivery;
        _time = time;
    }

    public bool IsAvailable => _redis.IsConnected;

    /// <summary>Writes <paramref name="batch"/>; throws when Redis does not confirm it.</summary>
    public async Task<BatchOutcome> WriteAsync(CampaignBatch batch)
    {
        await RecordOwnerAsync(batch).ConfigureAwait(false);
        var keys = new List<RedisKey> { _keys.Batches(batch.Campaign) };
        var keyIndex = new Dictionary<RedisKey, int>();
        int IndexOf(RedisKey key)
        {
            if (!keyIndex.TryGetValue(key, out var i))
            {
                keys.Add(key);
                i = keys.Count; // Lua indexes from 1
                keyIndex[key] = i;
            }

            return i;
        }

        var now = _time.GetUtcNow();
        var args = new List<RedisValue>
        {
            (long)_retention.HourlyRetention.TotalSeconds,
            (long)SeenRetention.TotalSeconds,
            (long)BatchRetention.TotalSeconds,
            DeliveryHolds.Bucket(now),
            DeliveryHolds.LiveBuckets,
            now.ToUnixTimeSeconds(),
            batch.BatchId,
            (long)RetentionOptions.DailyRetention.TotalSeconds,
        };

        // Every cell is counted in its UTC day's hourly hash and in its site-local month's daily hash.
        var days = DaysOf(_catalog.Current, batch.Campaign);
        void Cell(in CounterKey key)
        {
            var day = days.Of(key.Hour);
            args.Add(IndexOf(_keys.Counters(batch.Campaign, key.Hour / 24)));
            args.Add(Field(key));
            args.Add(IndexOf(_keys.DailyCounters(batch.Campaign, (day.Year * 100) + day.Month)));
            args.Add(DailyField(day, key));
        }

        foreach (var (key, amount) in batch.Counts)
        {
            args.Add("n");
            Cell(key);
            args.Add(amount);
        }

        var delivery = _delivery.Delivery(batch.Campaign);
        foreach (var (hold, amount) in batch.Held)
        {
            args.Add("h");
            args.Add(IndexOf(delivery));
            args.Add(hold.Bucket);
            args.Add(amount);
        }

        // Where an event is de-duplicated: its issuer's bitmap of the issue day (a numbered ad, token version 3), else the
        // campaign's set of the issue hour; and when that key expires (0: 'seen ttl' after the last write).
        void Seen(in TokenEvent e)
        {
            if (e.Sequence >= 0)
            {
                args.Add(IndexOf(_keys.SeenBits(batch.Campaign, e.Issuer, IssuedDay(e))));
                args.Add(SeenBitsTtl(IssuedDay(e), now));
            }
            else
            {
                args.Add(IndexOf(_keys.Seen(batch.Campaign, e.IssuedHour)));
                args.Add(0);
            }
        }

        // Impressions grouped by counter cell, de-duplication key and day; follow-ups by counter cell and key. The
        // ordinals the script returns count events in the order they are sent here.
        var impressions = new List<TokenEvent>();
        var followUps = new List<TokenEvent>();
        foreach (var group in batch.Events.Where(e => e.Key.Kind == CounterKind.Impression).GroupBy(e => (e.Key, Period: DedupPeriod(e), e.SiteDay, Answer: e.Viewer is not null ? PerEvent : e.HoldBucket, e.Issuer)))
        {
            var events = group.ToList();
            var (key, _, siteDay, answer, _) = group.Key;
            for (var start = 0; start < events.Count; start += MaxEventsPerOperation)
            {
                var chunk = events.GetRange(start, Math.Min(MaxEventsPerOperation, events.Count - start));
                var perEvent = answer == PerEvent;
                args.Add(perEvent ? "I" : "J");
                Cell(key);
                Seen(events[0]);
                args.Add(IndexOf(delivery));
                args.Add(DeliveryKeys.DayField(siteDay));
                if (!perEvent)
                {
                    args.Add(answer);
                }

                args.Add(chunk.Count);
                foreach (var e in chunk)
                {
                    args.Add(Ad(e));
                    if (perEvent)
                    {
                        args.Add(e.HoldBucket);
                    }
                }

                if (perEvent)
                {
                    impressions.AddRange(chunk);
                }
            }
        }

        // Reach: the viewers of impressions, into their day's HyperLogLog. A duplicate impression (not counted) has the
        // viewer of the one that was, so adding every viewer changes nothing an exact count would not.
        foreach (var group in batch.Events.Where(e => e.Key.Kind == CounterKind.Impression && e.Reach is not null).GroupBy(e => e.SiteDay))
        {
            var viewers = group.Select(e => e.Reach!).Distinct(StringComparer.Ordinal).ToList();
            var day = DateOnly.FromDayNumber(group.Key);
            for (var start = 0; start < viewers.Count; start += MaxEventsPerOperation)
            {
                var chunk = viewers.GetRange(start, Math.Min(MaxEventsPerOperation, viewers.Count - start));
                args.Add("R");
                args.Add(IndexOf(_keys.Reach(batch.Campaign, day)));
                args.Add(chunk.Count);
                args.AddRange(chunk.Select(v => (RedisValue)v));
            }
        }

        foreach (var group in batch.Events.Where(e => e.Key.Kind != CounterKind.Impression).GroupBy(e => (e.Key, Period: DedupPeriod(e), e.SiteDay, e.Issuer)))
        {
            var events = group.ToList();
            var (key, _, siteDay, _) = group.Key;
            var invalid = key with { Kind = CounterKind.Invalid, Reason = InvalidReason.NoImpression };
            for (var start = 0; start < events.Count; start += MaxEventsPerOperation)
            {
                var chunk = events.GetRange(start, Math.Min(MaxEventsPerOperation, events.Count - start));
                args.Add("F");
                Cell(key);
                args.Add(Field(invalid));
                args.Add(DailyField(days.Of(key.Hour), invalid));
                Seen(events[0]);
                args.Add(IndexOf(delivery));
                args.Add(key.Kind == CounterKind.Click ? DeliveryKeys.ClickDayField(siteDay) : "");
                args.Add(chunk.Count);
                foreach (var e in chunk)
                {
                    args.Add(Own(e));
                    args.Add(Ad(e));
                }

                followUps.AddRange(chunk);
            }
        }

        var result = (RedisResult[])(await _redis.Database.ScriptEvaluateAsync(Script, [.. keys], [.. args]).ConfigureAwait(false))!;
        if ((int)result[0] == 0)
        {
            return BatchOutcome.AlreadyApplied;
        }

        return new BatchOutcome(
            [.. ((RedisResult[])result[1]!).Select(r => impressions[(int)r - 1])],
            [.. ((RedisResult[])result[2]!).Select(r => followUps[(int)r - 1])]);
    }

    /// <summary>
    /// Adds the batch's owner to <see cref="CounterKeys.PerCampaignOwners"/> of each UTC day it counts in, before the first
    /// write of that owner-day by this instance (one small script a day, for most owner-days none), so that the packing
    /// pass finds every owner-day with a hash of its own without trying the whole catalog. A failure throws: the batch is
    /// kept and retried, so no per-campaign day hash is written unrecorded.
    /// </summary>
    private async Task RecordOwnerAsync(CampaignBatch batch)
    {
        List<long> days;
        lock (_recordedLock)
        {
            days = [.. batch.Counts.Keys.Select(k => k.Hour / 24).Concat(batch.Events.Select(e => e.Key.Hour / 24)).Distinct().Where(d => !_recorded.Contains((batch.Campaign, d)))];
        }

        if (days.Count == 0)
        {
            return;
        }

        var ttl = (long)_retention.HourlyRetention.TotalSeconds;
        await Task.WhenAll(days.Select(day => _redis.Database.ScriptEvaluateAsync(
            "redis.call('SADD', KEYS[1], ARGV[1]) redis.call('EXPIRE', KEYS[1], ARGV[2]) return 1",
            [_keys.PerCampaignOwners(day)],
            [batch.Campaign, ttl]))).ConfigureAwait(false);
        lock (_recordedLock)
        {
            if (_recorded.Count > 100_000)
            {
                // Days older than the token lifetime and its margin are written no more (but by a late retry, recorded again).
                var today = _time.GetUtcNow().ToUnixTimeSeconds() / 86_400;
                _recorded.RemoveWhere(r => r.Day < today - 2);
            }

            foreach (var day in days)
            {
                _recorded.Add((batch.Campaign, day));
            }
        }
    }

    /// <summary>
    /// How long the bitmap of an issue day is kept from <paramref name="now"/> (seconds): until <see cref="SeenRetention"/>
    /// after the day's end, 2 hours after its last token expires, however late its last event came; at least an hour
    /// more for events written later still (held through a Redis outage). A relative expiry, so that it is this server's
    /// clock, the one that dates tokens, that counts.
    /// </summary>
    public static long SeenBitsTtl(long issuedDay, DateTimeOffset now) =>
        Math.Max(((issuedDay + 1) * 86_400) + (long)SeenRetention.TotalSeconds - now.ToUnixTimeSeconds(), 3600);

    /// <summary>The site-local days of a batch owner's hours: a site's (<c>@SITE</c>) in its time zone, a campaign's in its home site's.</summary>
    public static SiteDays DaysOf(CatalogSnapshot snapshot, string owner) =>
        new(EventAggregate.SiteOf(owner) is { } site
            ? snapshot.Sites.TryGetValue(site, out var s) ? s.TimeZone : TimeZoneInfo.Utc
            : snapshot.ZoneOf(owner));

    /// <summary>The UTC day of issue of a numbered ad: its bitmap's (days since the Unix epoch).</summary>
    private static long IssuedDay(in TokenEvent e) => e.IssuedHour / 24;

    /// <summary>
    /// What an event's de-duplication key is per: the issue day of a numbered ad (as its bitmap), else the issue hour (as
    /// the set), told apart by sign.
    /// </summary>
    private static long DedupPeriod(in TokenEvent e) => e.Sequence >= 0 ? -1 - IssuedDay(e) : e.IssuedHour;

    /// <summary>
    /// An event's ad in its de-duplication key: for a numbered ad the offset of its impression bit (3 bits an ad: impression,
    /// viewable, click); else its decision and creative (beacons always name them; an event without one, written by a test
    /// or a tool, is its own ad).
    /// </summary>
    private static RedisValue Ad(in TokenEvent e) => e.Sequence >= 0 ? 3 * e.Sequence : e.AdId.Length > 0 ? e.AdId : "t:" + e.TokenId;

    /// <summary>A viewable's or click's own entry: the bit after its ad's impression bit (1 viewable, 2 click), or its token id.</summary>
    private static RedisValue Own(in TokenEvent e) => e.Sequence >= 0 ? (3 * e.Sequence) + (e.Key.Kind == CounterKind.Viewable ? 1 : 2) : e.TokenId;

    /// <summary>Field of a counter in its month's daily hash: <c>YYYY-MM-DD|PLACEMENT|CREATIVE|KIND</c>.</summary>
    public static string DailyField(DateOnly day, in CounterKey key) =>
        string.Create(CultureInfo.InvariantCulture, $"{day:yyyy-MM-dd}|{key.Placement}|{key.Creative}|{KindCode(key)}");

    /// <summary>Field of a counter in its day hash: <c>HOUR|PLACEMENT|CREATIVE|KIND</c>.</summary>
    public static string Field(in CounterKey key) =>
        string.Create(CultureInfo.InvariantCulture, $"{key.Hour}|{key.Placement}|{key.Creative}|{KindCode(key)}");

    /// <summary>The kind part of a counter field: <c>s</c>, <c>i</c>, <c>v</c>, <c>c</c>, or <c>x</c> and the invalid reason's code.</summary>
    public static string KindCode(in CounterKey key) => key.Kind switch
    {
        CounterKind.Served => "s",
        CounterKind.Impression => "i",
        CounterKind.Viewable => "v",
        CounterKind.Click => "c",
        CounterKind.Requested => "r",
        CounterKind.Filled => "f",
        _ => "x" + InvalidReasons.Code(key.Reason),
    };

    /// <summary>The ad a token is about, as the counting script knows it: the decision and the creative.</summary>
    public static string AdId(EventClaims claims) => claims.DecisionId.ToString("N") + "/" + claims.Creative;
}

/// <summary>What writing a batch found: the impressions it counted (new tokens) and the follow-ups it refused.</summary>
internal sealed record BatchOutcome(IReadOnlyList<TokenEvent> CountedImpressions, IReadOnlyList<TokenEvent> RefusedFollowUps)
{
    public static readonly BatchOutcome AlreadyApplied = new([], []);
}
