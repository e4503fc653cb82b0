using System.Globalization;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Suara.Ads.Core.Counting;
using Suara.Ads.Core.Delivery;
using Suara.Ads.Core.Snapshot;
using Suara.Ads.Server.Delivery;
using Suara.Ads.Server.Hosting;

namespace Suara.Ads.Server.Events;

/// <summary>
/// Writes one counting group's batch (every campaign and site of the group, <see cref="CounterGroups"/>) in one atomic
/// script on the group's slot: a handful of commands however many campaigns, cells and events it holds (docs/redis.md,
/// "Counting groups"). Each key the batch touches is read with one <c>HMGET</c> and written with one <c>HSET</c>; the
/// ads of version-4 tokens are de-duplicated in the group's bitmap of their issuer and day with one or two
/// <c>BITFIELD</c> calls; the batch record is a field of the group's delivery hash read by the same <c>HMGET</c>, and a
/// run's batches of a group apply in order, each once.
/// </summary>
internal sealed class GroupCounterStore
{
    /// <summary>How often this instance sets again the expiry of a key it writes (and when it first writes it).</summary>
    public static readonly TimeSpan ExpiryInterval = TimeSpan.FromMinutes(1);

    /// <summary>How long a run's batch record is kept after its last batch in the group.</summary>
    public static readonly TimeSpan RunRetention = TimeSpan.FromDays(1);

    // KEYS[1]: the group's delivery hash. ARGV: run, batch number, clock (Unix s), current hold bucket, live buckets, day
    // ring, hold ring, earliest (1: no earlier batch of this run and group is unconfirmed), run retention (s), E, E × (key,
    // ttl) to expire, then the ops:
    //   'n', nk, nfield, mk, mfield, amount                         plain counts (served, invalid, inventory) in the hour's
    //                                                               hash nk and the month's mk (fields carry their owner)
    //   'h', campaign, bucket, amount                               ads served and held in a hold bucket
    //   'I', nk, nfield, mk, mfield, s, campaign, siteDay, answer,  impressions of one cell and bitmap s: n × (bit offset,
    //        n, n × (offset, bucket)                                hold bucket); answer 1: their ordinals are returned
    //   'F', nk, nfield, mk, mfield, xfield, xmfield, s, campaign,  viewables or clicks of one cell: n × (own offset, ad's
    //        clickDay, n, n × (own, ad)                             offset); clickDay '' for viewables
    //   'x', mk, xk, ttl                                            the index of month hash mk is xk (expiry ttl s): a
    //                                                               field new to mk adds its owner's cell to it
    // Impression ops come before follow-ups, so that the one BITFIELD per bitmap sets impression bits before it reads those
    // the follow-ups need. Returns {1, counted impression ordinals, refused follow-up ordinals}, {0} for a batch applied
    // before, {2} for one whose earlier batch is not applied yet.
    private const string Script = """
        local run = ARGV[1]
        local seq = tonumber(ARGV[2])
        local clock = tonumber(ARGV[3])
        local oldest = tonumber(ARGV[4]) - tonumber(ARGV[5]) + 1
        local dayRing = tonumber(ARGV[6])
        local holdRing = tonumber(ARGV[7])
        local earliest = ARGV[8] == '1'
        local runTtl = tonumber(ARGV[9])
        local ne = tonumber(ARGV[10])
        local CHUNK = 3000 -- fields per HMGET, and per HSET (6,000 values): Redis's Lua unpacks at most about 8,000
        local BITS = 1500 -- bits per BITFIELD (up to 4 values each)
        local function int(x) return string.format('%d', x) end
        local function hmget(key, fields)
          local out = {}
          for s = 1, #fields, CHUNK do
            local part = redis.call('HMGET', key, unpack(fields, s, math.min(s + CHUNK - 1, #fields)))
            for _, v in ipairs(part) do out[#out + 1] = v end
          end
          return out
        end
        local function hset(key, values)
          for s = 1, #values, 2 * CHUNK do
            redis.call('HSET', key, unpack(values, s, math.min(s + 2 * CHUNK - 1, #values)))
          end
        end
        local function bitfield(key, q)
          local out = {}
          for s = 1, #q, BITS do
            local args = {}
            for j = s, math.min(s + BITS - 1, #q) do
              args[#args + 1] = q[j][1]
              args[#args + 1] = 'u1'
              args[#args + 1] = q[j][2]
              if q[j][1] == 'SET' then args[#args + 1] = 1 end
            end
            for _, v in ipairs(redis.call('BITFIELD', key, unpack(args))) do out[#out + 1] = v end
          end
          return out
        end
        -- Parse the ops; note the delivery fields they may touch.
        local wanted = {['b:' .. run] = 1, runs = 2}
        local fields = {'b:' .. run, 'runs'}
        local function want(f) if not wanted[f] then fields[#fields + 1] = f; wanted[f] = #fields end end
        local ops = {}
        local index = {}
        local i = 11 + 2 * ne
        while i <= #ARGV do
          local op = ARGV[i]
          if op == 'n' then
            ops[#ops + 1] = {op = op, nk = tonumber(ARGV[i + 1]), nf = ARGV[i + 2], mk = tonumber(ARGV[i + 3]), mf = ARGV[i + 4], a = tonumber(ARGV[i + 5])}
            i = i + 6
          elseif op == 'x' then
            index[tonumber(ARGV[i + 1])] = {k = tonumber(ARGV[i + 2]), ttl = ARGV[i + 3]}
            i = i + 4
          elseif op == 'h' then
            local o = {op = op, c = ARGV[i + 1], b = tonumber(ARGV[i + 2]), a = tonumber(ARGV[i + 3])}
            if o.b >= oldest then ops[#ops + 1] = o; want(o.c .. '|h:' .. int(o.b % holdRing)) end
            i = i + 4
          elseif op == 'I' then
            local o = {op = op, nk = tonumber(ARGV[i + 1]), nf = ARGV[i + 2], mk = tonumber(ARGV[i + 3]), mf = ARGV[i + 4], s = tonumber(ARGV[i + 5]),
              c = ARGV[i + 6], day = tonumber(ARGV[i + 7]), answer = ARGV[i + 8] == '1', n = tonumber(ARGV[i + 9]), first = i + 10}
            want(o.c .. '|t')
            want(o.c .. '|d:' .. int(o.day % dayRing))
            for j = 0, o.n - 1 do
              local b = tonumber(ARGV[o.first + 2 * j + 1])
              if b >= oldest then want(o.c .. '|h:' .. int(b % holdRing)) end
            end
            ops[#ops + 1] = o
            i = o.first + 2 * o.n
          else
            local o = {op = op, nk = tonumber(ARGV[i + 1]), nf = ARGV[i + 2], mk = tonumber(ARGV[i + 3]), mf = ARGV[i + 4], xf = ARGV[i + 5], xmf = ARGV[i + 6],
              s = tonumber(ARGV[i + 7]), c = ARGV[i + 8], clickDay = ARGV[i + 9], n = tonumber(ARGV[i + 10]), first = i + 11}
            if o.clickDay ~= '' then
              want(o.c .. '|c')
              want(o.c .. '|cd:' .. int(tonumber(o.clickDay) % dayRing))
            end
            ops[#ops + 1] = o
            i = o.first + 2 * o.n
          end
        end
        -- The batch record: applied before, or waiting for an earlier batch of the run?
        local got = hmget(KEYS[1], fields)
        local last = got[1] and tonumber(string.match(got[1], '^(%d+)')) or 0
        if seq <= last then return {0} end
        if seq > last + 1 and not earliest then return {2} end
        local dv = {}
        for j = 3, #fields do dv[fields[j]] = got[j] end
        local dirty = {}
        local out = {'b:' .. run, int(seq) .. ':' .. int(clock)}
        -- A run new to the group is recorded; records of runs silent for longer than the run retention go.
        local runs = got[2] or ''
        if not string.find(' ' .. runs .. ' ', ' ' .. run .. ' ', 1, true) then
          local keep = {run}
          local names, records = {}, {}
          for r in string.gmatch(runs, '%S+') do names[#names + 1] = r; records[#records + 1] = 'b:' .. r end
          if #records > 0 then
            local gone = {}
            for j, v in ipairs(hmget(KEYS[1], records)) do
              local at = v and tonumber(string.match(v, ':(%d+)$')) or 0
              if at > clock - runTtl then keep[#keep + 1] = names[j] else gone[#gone + 1] = records[j] end
            end
            if #gone > 0 then redis.call('HDEL', KEYS[1], unpack(gone)) end
          end
          out[#out + 1] = 'runs'
          out[#out + 1] = table.concat(keep, ' ')
        end
        -- De-duplication: per bitmap, one BITFIELD sets the impressions' bits and reads the follow-ups' ads' bits (in
        -- order), a second sets the bits of the follow-ups whose ad has a counted impression.
        local function bits(phase)
          local queues, order = {}, {}
          for _, o in ipairs(ops) do
            if o.op == 'I' or o.op == 'F' then
              local target = {}
              if phase == 1 then o.res = target else o.own = target end
              for j = 1, o.n do
                local what, offset
                if o.op == 'I' and phase == 1 then what, offset = 'SET', ARGV[o.first + 2 * (j - 1)]
                elseif o.op == 'F' and phase == 1 then what, offset = 'GET', ARGV[o.first + 2 * (j - 1) + 1]
                elseif o.op == 'F' and o.res[j] == 1 then what, offset = 'SET', ARGV[o.first + 2 * (j - 1)] end
                if what then
                  local q = queues[o.s]
                  if not q then q = {}; queues[o.s] = q; order[#order + 1] = o.s end
                  q[#q + 1] = {what, offset, target, j}
                end
              end
            end
          end
          for _, s in ipairs(order) do
            local q = queues[s]
            for j, v in ipairs(bitfield(KEYS[s], q)) do q[j][3][q[j][4]] = v end
          end
        end
        bits(1)
        bits(2)
        -- Counts, delivery and holds, in the order of the ops (holds before the impressions that release them).
        local cells, cellKeys = {}, {}
        local function count(k, f, a)
          local t = cells[k]
          if not t then t = {}; cells[k] = t; cellKeys[#cellKeys + 1] = k end
          t[f] = (t[f] or 0) + a
        end
        local function add(f, a) dv[f] = (tonumber(dv[f]) or 0) + a; dirty[f] = true end
        local function addDay(f, day, a)
          local d, n = nil, 0
          if dv[f] then d, n = string.match(dv[f], '^(%d+):(%d+)$'); d = tonumber(d); n = tonumber(n) end
          if d == day then dv[f] = int(day) .. ':' .. int(n + a)
          elseif d == nil or d < day then dv[f] = int(day) .. ':' .. int(a)
          else return end
          dirty[f] = true
        end
        local function slot(f)
          if not dv[f] then return nil end
          local b, s, r = string.match(dv[f], '^(%d+):(%d+):(%d+)$')
          return tonumber(b), tonumber(s), tonumber(r)
        end
        local function hold(c, b, a)
          local f = c .. '|h:' .. int(b % holdRing)
          local at, s, r = slot(f)
          if at == b then dv[f] = int(b) .. ':' .. int(s + a) .. ':' .. int(r)
          elseif at == nil or at < b then dv[f] = int(b) .. ':' .. int(a) .. ':0'
          else return end
          dirty[f] = true
        end
        local function release(c, b)
          if b < oldest then return end
          local f = c .. '|h:' .. int(b % holdRing)
          local at, s, r = slot(f)
          if at == b then dv[f] = int(b) .. ':' .. int(s) .. ':' .. int(r + 1); dirty[f] = true end
        end
        local ni, nf = 0, 0
        local counted, refused = {}, {}
        for _, o in ipairs(ops) do
          if o.op == 'n' then
            count(o.nk, o.nf, o.a)
            count(o.mk, o.mf, o.a)
          elseif o.op == 'h' then
            hold(o.c, o.b, o.a)
          elseif o.op == 'I' then
            local new = 0
            for j = 1, o.n do
              if o.answer then ni = ni + 1 end
              if o.res[j] == 0 then
                new = new + 1
                if o.answer then counted[#counted + 1] = ni end
                release(o.c, tonumber(ARGV[o.first + 2 * (j - 1) + 1]))
              end
            end
            if new > 0 then
              count(o.nk, o.nf, new)
              count(o.mk, o.mf, new)
              add(o.c .. '|t', new)
              addDay(o.c .. '|d:' .. int(o.day % dayRing), o.day, new)
            end
          else
            local invalid, new = 0, 0
            for j = 1, o.n do
              nf = nf + 1
              if o.res[j] == 0 then
                invalid = invalid + 1
                refused[#refused + 1] = nf
              elseif o.own[j] == 0 then
                new = new + 1
              end
            end
            if invalid > 0 then
              count(o.nk, o.xf, invalid)
              count(o.mk, o.xmf, invalid)
            end
            if new > 0 then
              count(o.nk, o.nf, new)
              count(o.mk, o.mf, new)
              if o.clickDay ~= '' then
                local day = tonumber(o.clickDay)
                add(o.c .. '|c', new)
                addDay(o.c .. '|cd:' .. int(day % dayRing), day, new)
              end
            end
          end
        end
        -- One HMGET and one HSET a key. A field new to a month's hash (OWNER|DAY|CELL) may be a cell new to its owner in
        -- that month: the month's index is read (one HMGET of those owners) and written when it lacks one (one HSET),
        -- before the counts, so that a report finds every field by the index.
        for f in pairs(dirty) do
          out[#out + 1] = f
          out[#out + 1] = type(dv[f]) == 'number' and int(dv[f]) or dv[f]
        end
        hset(KEYS[1], out)
        local writes, fresh, freshKeys = {}, {}, {}
        for _, k in ipairs(cellKeys) do
          local names = {}
          for f in pairs(cells[k]) do names[#names + 1] = f end
          local values = {}
          local x = index[k]
          for j, v in ipairs(hmget(KEYS[k], names)) do
            values[#values + 1] = names[j]
            values[#values + 1] = int((tonumber(v) or 0) + cells[k][names[j]])
            if x and not v then
              local owner, cell = string.match(names[j], '^([^|]*)|[^|]*|(.*)$')
              local t = fresh[x.k]
              if not t then t = {owners = {}, cells = {}, ttl = x.ttl}; fresh[x.k] = t; freshKeys[#freshKeys + 1] = x.k end
              local c = t.cells[owner]
              if not c then c = {}; t.cells[owner] = c; t.owners[#t.owners + 1] = owner end
              c[#c + 1] = cell
            end
          end
          writes[#writes + 1] = {k, values}
        end
        for _, xk in ipairs(freshKeys) do
          local t = fresh[xk]
          local add = {}
          for j, had in ipairs(hmget(KEYS[xk], t.owners)) do
            local owner = t.owners[j]
            local known, more = {}, {}
            for c in string.gmatch(had or '', '%S+') do known[c] = true end
            for _, c in ipairs(t.cells[owner]) do
              if not known[c] then known[c] = true; more[#more + 1] = c end
            end
            if #more > 0 then
              add[#add + 1] = owner
              add[#add + 1] = (had and had .. ' ' or '') .. table.concat(more, ' ')
            end
          end
          if #add > 0 then
            hset(KEYS[xk], add)
            if redis.call('TTL', KEYS[xk]) < 0 then redis.call('EXPIRE', KEYS[xk], t.ttl) end
          end
        end
        for _, w in ipairs(writes) do hset(KEYS[w[1]], w[2]) end
        for j = 0, ne - 1 do redis.call('EXPIRE', KEYS[tonumber(ARGV[11 + 2 * j])], ARGV[12 + 2 * j]) end
        return {1, counted, refused}
        """;

    private readonly RedisConnection _redis;
    private readonly CounterKeys _keys;
    private readonly DeliveryKeys _delivery;
    private readonly TimeProvider _time;
    private readonly CatalogSnapshotHolder _catalog;
    private readonly RetentionOptions _retention;
    private readonly ReachBuffer _reach;
    private readonly Dictionary<RedisKey, long> _expired = []; // key -> when this instance last set its expiry (Unix s)
    private readonly Lock _lock = new();

    public GroupCounterStore(RedisConnection redis, CounterKeys keys, DeliveryKeys delivery, TimeProvider time, CatalogSnapshotHolder catalog, IOptions<RetentionOptions> retention, ReachBuffer reach)
    {
        _redis = redis;
        _keys = keys;
        _delivery = delivery;
        _time = time;
        _catalog = catalog;
        _retention = retention.Value;
        _reach = reach;
    }

    /// <summary>
    /// Writes a group's <paramref name="batch"/>; throws when Redis does not confirm it. <paramref name="earliest"/>: no
    /// earlier batch of this run and group is unconfirmed (so a missing record of the run's earlier batches, pruned
    /// after a silence of <see cref="RunRetention"/>, does not hold this one back).
    /// </summary>
    public async Task<GroupOutcome> WriteAsync(CampaignBatch batch, bool earliest)
    {
        var group = CounterGroups.GroupOf(batch.Campaign);
        if (group < 0)
        {
            throw new ArgumentException("Not a counting group's batch: " + batch.Campaign, nameof(batch));
        }

        var keys = new List<RedisKey> { _delivery.GroupDelivery(group) };
        var keyIndex = new Dictionary<RedisKey, int>();
        var ttls = new Dictionary<int, long>();
        int IndexOf(RedisKey key, long ttl)
        {
            if (!keyIndex.TryGetValue(key, out var i))
            {
                keys.Add(key);
                i = keys.Count; // Lua indexes from 1
                keyIndex[key] = i;
                ttls[i] = ttl;
            }

            return i;
        }

        var now = _time.GetUtcNow();
        var clock = now.ToUnixTimeSeconds();
        var hourlyTtl = (long)_retention.HourlyRetention.TotalSeconds;
        var dailyTtl = (long)RetentionOptions.DailyRetention.TotalSeconds;
        ttls[1] = dailyTtl;
        var ops = new List<RedisValue>();

        // Every cell is counted in its UTC day's hourly hash and in its site-local month's daily hash, under its owner.
        var snapshot = _catalog.Current;
        var zones = new Dictionary<string, SiteDays>(StringComparer.Ordinal);
        SiteDays DaysOf(string owner)
        {
            if (!zones.TryGetValue(owner, out var days))
            {
                days = RedisCounterStore.DaysOf(snapshot, owner);
                zones[owner] = days;
            }

            return days;
        }

        // A month's hash comes with its index (CounterKeys.GroupDailyIndex), named to the script once.
        var indexOps = new List<RedisValue>();
        int MonthKey(int month)
        {
            var key = _keys.GroupDailyCounters(group, month);
            var known = keyIndex.ContainsKey(key);
            var i = IndexOf(key, dailyTtl);
            if (!known)
            {
                indexOps.Add("x");
                indexOps.Add(i);
                indexOps.Add(IndexOf(_keys.GroupDailyIndex(group, month), dailyTtl));
                indexOps.Add(dailyTtl);
            }

            return i;
        }

        void Cell(in CounterKey key)
        {
            var day = DaysOf(key.Campaign).Of(key.Hour);
            ops.Add(IndexOf(_keys.GroupCounters(group, key.Hour / 24), hourlyTtl));
            ops.Add(key.Campaign + "|" + RedisCounterStore.Field(key));
            ops.Add(MonthKey((day.Year * 100) + day.Month));
            ops.Add(key.Campaign + "|" + RedisCounterStore.DailyField(day, key));
        }

        foreach (var (key, amount) in batch.Counts)
        {
            ops.Add("n");
            Cell(key);
            ops.Add(amount);
        }

        foreach (var ((campaign, hold), amount) in batch.HeldBy)
        {
            ops.Add("h");
            ops.Add(campaign);
            ops.Add(hold.Bucket);
            ops.Add(amount);
        }

        int Bitmap(in TokenEvent e) => IndexOf(_keys.GroupSeenBits(group, e.Issuer, e.IssuedHour / 24), RedisCounterStore.SeenBitsTtl(e.IssuedHour / 24, now));

        // Impressions by cell, bitmap, site day and whether they are answered (a viewer to cap); then follow-ups. The
        // ordinals the script returns count events in the order they are sent here.
        // Events are grouped by their index in the batch (a group's batch holds thousands: copying the events into
        // groups, as LINQ's GroupBy does, allocated more than the rest of a beacon's way).
        var all = batch.Events;
        var impressionGroups = new Dictionary<(CounterKey Key, long Day, ulong Issuer, int SiteDay, bool Answer), List<int>>();
        var followUpGroups = new Dictionary<(CounterKey Key, long Day, ulong Issuer, int SiteDay), List<int>>();
        for (var i = 0; i < all.Count; i++)
        {
            var e = all[i];
            if (e.Key.Kind == CounterKind.Impression)
            {
                var at = (e.Key, e.IssuedHour / 24, e.Issuer, e.SiteDay, e.Viewer is not null);
                if (!impressionGroups.TryGetValue(at, out var members))
                {
                    impressionGroups[at] = members = [];
                }

                members.Add(i);
            }
            else
            {
                var at = (e.Key, e.IssuedHour / 24, e.Issuer, e.SiteDay);
                if (!followUpGroups.TryGetValue(at, out var members))
                {
                    followUpGroups[at] = members = [];
                }

                members.Add(i);
            }
        }

        var impressions = new List<int>();
        var followUps = new List<int>();
        foreach (var (cell, members) in impressionGroups)
        {
            ops.Add("I");
            Cell(cell.Key);
            ops.Add(Bitmap(all[members[0]]));
            ops.Add(cell.Key.Campaign);
            ops.Add(cell.SiteDay);
            ops.Add(cell.Answer ? 1 : 0);
            ops.Add(members.Count);
            foreach (var i in members)
            {
                ops.Add(3 * all[i].Sequence);
                ops.Add(all[i].HoldBucket);
            }

            if (cell.Answer)
            {
                impressions.AddRange(members);
            }
        }

        foreach (var (cell, members) in followUpGroups)
        {
            var key = cell.Key;
            var invalid = key with { Kind = CounterKind.Invalid, Reason = InvalidReason.NoImpression };
            ops.Add("F");
            Cell(key);
            ops.Add(key.Campaign + "|" + RedisCounterStore.Field(invalid));
            ops.Add(key.Campaign + "|" + RedisCounterStore.DailyField(DaysOf(key.Campaign).Of(key.Hour), invalid));
            ops.Add(Bitmap(all[members[0]]));
            ops.Add(key.Campaign);
            ops.Add(key.Kind == CounterKind.Click ? cell.SiteDay : "");
            ops.Add(members.Count);
            foreach (var i in members)
            {
                ops.Add((3 * all[i].Sequence) + (key.Kind == CounterKind.Viewable ? 1 : 2));
                ops.Add(3 * all[i].Sequence);
            }

            followUps.AddRange(members);
        }

        // Expiries: a key this instance has not set in the last minute (or ever).
        var expire = new List<(RedisKey Key, int Index, long Ttl)>();
        lock (_lock)
        {
            foreach (var (key, index) in keyIndex.Append(new(keys[0], 1)))
            {
                if (!_expired.TryGetValue(key, out var at) || clock - at >= ExpiryInterval.TotalSeconds)
                {
                    expire.Add((key, index, ttls[index]));
                }
            }
        }

        var args = new List<RedisValue>(11 + (2 * expire.Count) + ops.Count + indexOps.Count)
        {
            batch.Run,
            batch.Sequence,
            clock,
            DeliveryHolds.Bucket(now),
            DeliveryHolds.LiveBuckets,
            DeliveryKeys.DayRing,
            DeliveryKeys.HoldRing,
            earliest ? 1 : 0,
            (long)RunRetention.TotalSeconds,
            expire.Count,
        };
        foreach (var (_, index, ttl) in expire)
        {
            args.Add(index);
            args.Add(ttl);
        }

        args.AddRange(ops);
        args.AddRange(indexOps);
        var result = (RedisResult[])(await _redis.Database.ScriptEvaluateAsync(Script, [.. keys], [.. args]).ConfigureAwait(false))!;
        var status = (int)result[0];
        if (status != 1)
        {
            if (status == 0)
            {
                // Applied before, and perhaps its reach not held (its reply was lost): held again, which changes nothing
                // if it was.
                _reach.Add(batch);
                return GroupOutcome.AlreadyApplied;
            }

            return GroupOutcome.NotYet;
        }

        lock (_lock)
        {
            foreach (var (key, _, _) in expire)
            {
                _expired[key] = clock;
            }

            if (_expired.Count > 10_000)
            {
                foreach (var old in _expired.Where(e => clock - e.Value > ExpiryInterval.TotalSeconds).Select(e => e.Key).ToList())
                {
                    _expired.Remove(old);
                }
            }
        }

        _reach.Add(batch);
        return new GroupOutcome(new BatchOutcome(
            [.. ((RedisResult[])result[1]!).Select(r => all[impressions[(int)r - 1]])],
            [.. ((RedisResult[])result[2]!).Select(r => all[followUps[(int)r - 1]])]), GroupStatus.Applied);
    }
}

/// <summary>What writing a group's batch found: applied (with what counting found), applied before, or not yet (an earlier batch first).</summary>
internal sealed record GroupOutcome(BatchOutcome Outcome, GroupStatus Status)
{
    public static readonly GroupOutcome AlreadyApplied = new(BatchOutcome.AlreadyApplied, GroupStatus.AppliedBefore);

    public static readonly GroupOutcome NotYet = new(BatchOutcome.AlreadyApplied, GroupStatus.NotYet);
}

/// <summary>Whether a group's batch was applied by this write, before it, or is to wait for an earlier batch of its run.</summary>
internal enum GroupStatus
{
    Applied,
    AppliedBefore,
    NotYet,
}
