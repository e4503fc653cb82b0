using System.Threading.Channels;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Suara.Ads.Core.Counting;
using Suara.Ads.Core.Snapshot;
using Suara.Ads.Server.Hosting;

namespace Suara.Ads.Server.Events;

/// <summary>
/// Packs closed UTC days of hourly counters (<see cref="PackedCounters"/>), so that a long hourly report reads a string
/// a day instead of walking thousands of hash fields (docs/redis.md, "Packed days"). A pass every
/// <see cref="RetentionOptions.PackingInterval"/> packs every campaign's and site's closed days that no pass has packed yet (one instance
/// a day, by lease); a report that meets an unpacked closed day asks for it too (<see cref="Request"/>).
/// <para>
/// Exact whatever fails: a day's hash is renamed before it is read (a count that comes later starts a new hash), and the
/// packed text is appended and the renamed hash removed in one script, only by the pass that renamed it. A report reads
/// the packed string, the hash being packed and the day's hash, and adds them up, so no count is ever in none of them
/// or in two.
/// </para>
/// </summary>
internal sealed class CounterCompactor : BackgroundService
{
    /// <summary>
    /// A UTC day is packed once this many days have begun since it (two: the day after it has ended too). Its tokens
    /// were valid 24 h after their issue hour, so by then its counts are in; a later one (held through a Redis outage)
    /// starts a new hash, read beside the packed string and packed on a later pass.
    /// </summary>
    public const int SettleDays = 2;

    private static readonly TimeSpan LeaseTime = TimeSpan.FromMinutes(10);

    // KEYS: the day's hash, the hash being packed. ARGV: this pass's id. Answers the id of the pass that owns the hash
    // being packed (an earlier pass's, left by a stop between its steps, which this one finishes), or nil: nothing to pack.
    private const string BeginScript = """
        local owner = redis.call('HGET', KEYS[2], '#')
        if owner then return owner end
        if redis.call('EXISTS', KEYS[2]) == 1 then
          redis.call('HSET', KEYS[2], '#', ARGV[1])
          return ARGV[1]
        end
        if redis.call('EXISTS', KEYS[1]) == 0 then return false end
        redis.call('RENAME', KEYS[1], KEYS[2])
        redis.call('HSET', KEYS[2], '#', ARGV[1])
        return ARGV[1]
        """;

    // KEYS: the hash being packed, the packed string. ARGV: the id the hash was read under, its packed text. Appends and
    // removes the hash in one step, only if it is still the one that was read (a retry or a second pass finds it gone).
    private const string FinishScript = AppendPacked + """
        redis.call('UNLINK', KEYS[1])
        return 1
        """;

    // KEYS: the hash being packed, the packed string. ARGV: the id the hash was read under, the packed text. Stops unless the
    // hash is still the one that was read; appends the text, the string kept at least as long as the hash.
    private const string AppendPacked = """
        if redis.call('HGET', KEYS[1], '#') ~= ARGV[1] then return 0 end
        local ttl = redis.call('PTTL', KEYS[1])
        if #ARGV[2] > 0 then
          redis.call('APPEND', KEYS[2], ARGV[2])
          local kept = redis.call('PTTL', KEYS[2])
          if ttl > 0 and kept < ttl then redis.call('PEXPIRE', KEYS[2], ttl) end
        end

        """;

    // KEYS: the group's hash being packed, one owner's packed string. ARGV: the id the hash was read under, the owner's
    // packed text, then the owner's fields. Appends the text and removes those fields in one step, only if the hash is
    // still the one that was read; the hash goes when no count is left in it. So each owner's counts are in the hash or
    // in its packed string, never in both or neither, and a pass that stops half-way is finished by the next.
    private const string FinishGroupScript = AppendPacked + """
        for s = 3, #ARGV, 3000 do redis.call('HDEL', KEYS[1], unpack(ARGV, s, math.min(s + 2999, #ARGV))) end
        if redis.call('HLEN', KEYS[1]) <= 1 then redis.call('UNLINK', KEYS[1]) end
        return 1
        """;

    private readonly RedisConnection _redis;
    private readonly CounterKeys _keys;
    private readonly CatalogSnapshotHolder _catalog;
    private readonly TimeProvider _time;
    private readonly RetentionOptions _retention;
    private readonly ILogger<CounterCompactor> _logger;
    private readonly bool _groups;
    private readonly Channel<(string Owner, long Day)> _requests = Channel.CreateBounded<(string, long)>(new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly HashSet<(string, long)> _requested = [];

    public CounterCompactor(RedisConnection redis, CounterKeys keys, CatalogSnapshotHolder catalog, TimeProvider time, IOptions<RetentionOptions> retention, IOptions<AdsOptions> options, ILogger<CounterCompactor> logger)
    {
        _groups = options.Value.CountingGroups;
        _redis = redis;
        _keys = keys;
        _catalog = catalog;
        _time = time;
        _retention = retention.Value;
        _logger = logger;
    }

    /// <summary>Today's UTC day number, as the counting script numbers days.</summary>
    public long Today => _time.GetUtcNow().ToUnixTimeSeconds() / 86_400;

    /// <summary>Whether a UTC day is closed: old enough to pack.</summary>
    public bool IsClosed(long utcDay) => utcDay <= Today - SettleDays;

    /// <summary>Asks for an owner's (a campaign's, or <see cref="EventAggregate.SiteOwner"/>) closed day to be packed soon.</summary>
    public void Request(string owner, long utcDay)
    {
        lock (_requested)
        {
            if (!IsClosed(utcDay) || !_requested.Add((owner, utcDay)))
            {
                return;
            }
        }

        if (!_requests.Writer.TryWrite((owner, utcDay)))
        {
            lock (_requested)
            {
                _requested.Remove((owner, utcDay));
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var requests = ServeRequestsAsync(stoppingToken);
        var interval = _retention.PackingInterval;
        while (interval > TimeSpan.Zero && !stoppingToken.IsCancellationRequested)
        {
            try
            {
                // The first pass a little after the start, when the catalog is loaded; then one an interval.
                var first = TimeSpan.FromTicks(Math.Min(interval.Ticks, TimeSpan.FromMinutes(1).Ticks));
                await Task.Delay(first, _time, stoppingToken).ConfigureAwait(false);
                await RunPassAsync(stoppingToken).ConfigureAwait(false);
                await Task.Delay(interval - first, _time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                _logger.CountersPackingFailed(ex.Message);
            }
        }

        await requests.ConfigureAwait(false);
    }

    private async Task ServeRequestsAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var (owner, day) in _requests.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await PackAsync(owner, day).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is RedisException or TimeoutException)
                {
                    _logger.CounterDayPackingFailed(day, owner, ex.Message);
                }
                finally
                {
                    lock (_requested)
                    {
                        _requested.Remove((owner, day));
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// Packs every closed day within the hourly retention that no pass has packed yet, one instance a day (a lease): the
    /// counting groups' days, and the owners' own days: with the groups on, of the owners the per-campaign path recorded
    /// for the day (<see cref="CounterKeys.PerCampaignOwners"/>); with them off, of every campaign whose flight is near it
    /// and every site. Answers how many owner-days it packed.
    /// </summary>
    public async Task<int> RunPassAsync(CancellationToken cancellationToken)
    {
        var db = _redis.Database;
        var today = Today;
        var packed = 0;
        var id = Guid.NewGuid().ToString("N");
        for (var day = today - (long)_retention.HourlyRetention.TotalDays; day <= today - SettleDays; day++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (await db.KeyExistsAsync(_keys.PackedDay(day)).ConfigureAwait(false)
                || !await db.StringSetAsync(_keys.PackingLease(day), id, LeaseTime, When.NotExists).ConfigureAwait(false))
            {
                continue;
            }

            // With the counting groups on, only the owners recorded with a hash of their own that day (tokens of versions 1-3,
            // an instance with the groups off) are tried, not the whole catalog; then the groups' days.
            var owners = _groups ? await RecordedOwnersAsync(day).ConfigureAwait(false) : OwnersOf(day);
            foreach (var chunk in owners.Concat(Enumerable.Range(0, CounterGroups.Count).Select(CounterGroups.Owner)).Chunk(16))
            {
                var results = await Task.WhenAll(chunk.Select(owner => PackAsync(owner, day))).ConfigureAwait(false);
                packed += results.Count(r => r);
            }

            await db.StringSetAsync(_keys.PackedDay(day), 1, _retention.HourlyRetention).ConfigureAwait(false);
            await db.ScriptEvaluateAsync("if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0", [_keys.PackingLease(day)], [id]).ConfigureAwait(false);
        }

        if (packed > 0)
        {
            _logger.CountersPacked(packed);
        }

        return packed;
    }

    /// <summary>The owners the per-campaign path recorded for a UTC day (<see cref="CounterKeys.PerCampaignOwners"/>).</summary>
    private async Task<IEnumerable<string>> RecordedOwnersAsync(long utcDay)
    {
        var owners = new List<string>();
        await foreach (var owner in _redis.Database.SetScanAsync(_keys.PerCampaignOwners(utcDay), pageSize: 1_000).ConfigureAwait(false))
        {
            owners.Add((string)owner!);
        }

        return owners;
    }

    /// <summary>The campaigns that can have counts on a UTC day (their flight within a day of it) and every site.</summary>
    private IEnumerable<string> OwnersOf(long utcDay)
    {
        var document = _catalog.Current.Document;
        var dayStart = DateTimeOffset.FromUnixTimeSeconds(utcDay * 86_400);
        foreach (var campaign in document.Campaigns)
        {
            if ((campaign.Start is not { } start || start <= dayStart.AddDays(2)) && (campaign.End is not { } end || end >= dayStart.AddDays(-2)))
            {
                yield return campaign.Id;
            }
        }

        foreach (var site in document.Sites)
        {
            yield return EventAggregate.SiteOwner(site.Id);
        }
    }

    /// <summary>
    /// Packs one owner's UTC day (and finishes a packing left half-done): a campaign's or a site's own hash, or for a
    /// counting group (<see cref="CounterGroups.Owner"/>) the group's hash, into a packed string per owner in it. Answers
    /// whether there was anything to pack.
    /// </summary>
    public async Task<bool> PackAsync(string owner, long utcDay)
    {
        if (CounterGroups.GroupOf(owner) is var group && group >= 0)
        {
            return await PackGroupAsync(group, utcDay).ConfigureAwait(false);
        }

        var db = _redis.Database;
        var (hash, packing, packed) = (_keys.Counters(owner, utcDay), _keys.Packing(owner, utcDay), _keys.Packed(owner, utcDay));
        var pass = (string?)await db.ScriptEvaluateAsync(BeginScript, [hash, packing], [Guid.NewGuid().ToString("N")]).ConfigureAwait(false);
        if (pass is null)
        {
            return false;
        }

        var entries = await db.HashGetAllAsync(packing).ConfigureAwait(false);
        var text = PackedCounters.Pack(entries);
        await db.ScriptEvaluateAsync(FinishScript, [packing, packed], [pass, text]).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Packs a counting group's UTC day: the hash is renamed as an owner's is, read by <c>HSCAN</c> (nothing writes to
    /// it any more), and each owner's fields move into the owner's packed string in one script each.
    /// </summary>
    private async Task<bool> PackGroupAsync(int group, long utcDay)
    {
        var db = _redis.Database;
        var packing = _keys.GroupPacking(group, utcDay);
        var pass = (string?)await db.ScriptEvaluateAsync(BeginScript, [_keys.GroupCounters(group, utcDay), packing], [Guid.NewGuid().ToString("N")]).ConfigureAwait(false);
        if (pass is null)
        {
            return false;
        }

        var owners = new Dictionary<string, List<HashEntry>>(StringComparer.Ordinal);
        await foreach (var entry in db.HashScanAsync(packing, pageSize: 10_000).ConfigureAwait(false))
        {
            var field = (string)entry.Name!;
            var bar = field.IndexOf('|', StringComparison.Ordinal);
            if (bar > 0)
            {
                var owner = field[..bar];
                if (!owners.TryGetValue(owner, out var entries))
                {
                    owners[owner] = entries = [];
                }

                entries.Add(entry);
            }
        }

        foreach (var (owner, entries) in owners)
        {
            var text = PackedCounters.Pack(entries.Select(e => new HashEntry(((string)e.Name!)[(owner.Length + 1)..], e.Value)));
            RedisValue[] args = [pass, text, .. entries.Select(e => e.Name)];
            await db.ScriptEvaluateAsync(FinishGroupScript, [packing, _keys.GroupPacked(group, owner, utcDay)], args).ConfigureAwait(false);
        }

        // Nothing left but the pass's mark (an empty day, or every owner moved): the hash goes.
        await db.ScriptEvaluateAsync("if redis.call('HGET', KEYS[1], '#') == ARGV[1] and redis.call('HLEN', KEYS[1]) <= 1 then redis.call('UNLINK', KEYS[1]) end return 0", [packing], [pass]).ConfigureAwait(false);
        return true;
    }
}
