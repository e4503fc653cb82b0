using System.Text.Json;
using StackExchange.Redis;
using Suara.Ads.Core.Catalog;
using Suara.Ads.Server.Hosting;

namespace Suara.Ads.Server.Catalog;

/// <summary>
/// The catalog in Redis, the source of truth: one hash per collection (id to JSON), a version number, an audit
/// list and the advertisers' report-key hashes, all under the hash tag <c>{catalog}</c>, so that a change is
/// written by one script: all of it or none, only if nobody changed the catalog since it was read (optimistic
/// concurrency on the version), and announced on a channel with the new version.
/// </summary>
internal sealed class RedisCatalogStore
{
    /// <summary>Audit entries kept.</summary>
    public const int AuditLength = 10_000;

    private const string LoadScript = """
        return { redis.call('GET', KEYS[1]) or '0', redis.call('HGETALL', KEYS[2]), redis.call('HGETALL', KEYS[3]),
                 redis.call('HGETALL', KEYS[4]), redis.call('HGETALL', KEYS[5]) }
        """;

    // KEYS: version, audit, sites, placements, advertisers, campaigns, report keys, named keys.
    // ARGV: channel, expected version, audit entry (JSON, its version written as -1), audit length, oldest audit time
    // kept (ISO 8601 UTC, compared as text), then ops: 'clear' h | 'set' h id json | 'del' h id. The entry is stored as
    // sent, with only its version filled in (decoding and encoding it in Lua would change the JSON values it quotes).
    private const string ApplyScript = """
        local current = tonumber(redis.call('GET', KEYS[1]) or '0')
        if current ~= tonumber(ARGV[2]) then return -1 end
        local i = 6
        while i <= #ARGV do
          local op = ARGV[i]
          local h = KEYS[tonumber(ARGV[i + 1]) + 3]
          if op == 'clear' then
            redis.call('DEL', h)
            i = i + 2
          elseif op == 'set' then
            redis.call('HSET', h, ARGV[i + 2], ARGV[i + 3])
            i = i + 4
          else
            redis.call('HDEL', h, ARGV[i + 2])
            i = i + 3
          end
        end
        local version = redis.call('INCR', KEYS[1])
        local entry = string.gsub(ARGV[3], '^{"version":%-1,', '{"version":' .. version .. ',', 1)
        redis.call('LPUSH', KEYS[2], entry)
        redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[4]) - 1)
        for _ = 1, 100 do
          local last = redis.call('LINDEX', KEYS[2], -1)
          local at = last and string.match(last, '"time":"([^"]+)"')
          if not at or at >= ARGV[5] then break end
          redis.call('RPOP', KEYS[2])
        end
        redis.call('PUBLISH', ARGV[1], version)
        return version
        """;

    private readonly RedisConnection _redis;

    private readonly TimeSpan _auditRetention;

    public RedisCatalogStore(RedisConnection redis, Microsoft.Extensions.Options.IOptions<Hosting.AdsOptions> options)
    {
        _redis = redis;
        _auditRetention = options.Value.AuditRetention;
        Channel = RedisChannel.Literal(redis.Key("catalog-changed").ToString());
    }

    /// <summary>Where changes are announced (the message is the new version).</summary>
    public RedisChannel Channel { get; }

    public bool IsAvailable => _redis.IsConnected;

    private RedisKey Key(string name) => _redis.Key("{catalog}:" + name);

    private RedisKey[] Keys =>
    [
        Key("version"), Key("audit"), Key("sites"), Key("placements"), Key("advertisers"), Key("campaigns"), Key("report-keys"), Key("keys"),
    ];

    /// <summary>The stored version (0 when no catalog was ever written).</summary>
    public async Task<long> GetVersionAsync()
    {
        var value = await _redis.Database.StringGetAsync(Key("version")).ConfigureAwait(false);
        return value.TryParse(out long version) ? version : 0;
    }

    /// <summary>Reads the whole catalog and its version in one atomic step.</summary>
    public async Task<(CatalogDocument Document, long Version)> LoadAsync()
    {
        var keys = Keys;
        var result = await _redis.Database.ScriptEvaluateAsync(LoadScript, [keys[0], keys[2], keys[3], keys[4], keys[5]]).ConfigureAwait(false);
        var parts = (RedisResult[])result!;
        var version = long.Parse((string)parts[0]!, System.Globalization.CultureInfo.InvariantCulture);
        var document = new CatalogDocument
        {
            Sites = Read(parts[1], CatalogJsonContext.Default.Site),
            Placements = Read(parts[2], CatalogJsonContext.Default.Placement),
            Advertisers = Read(parts[3], CatalogJsonContext.Default.Advertiser),
            Campaigns = Read(parts[4], CatalogJsonContext.Default.Campaign),
        };
        return (document, version);
    }

    /// <summary>
    /// Writes <paramref name="changes"/> if the stored version is still <paramref name="expectedVersion"/>
    /// (after clearing every collection first when <paramref name="replaceAll"/>).
    /// </summary>
    /// <returns>The new version, or -1 when the catalog changed in between.</returns>
    public async Task<long> ApplyAsync(long expectedVersion, IReadOnlyList<CatalogChange> changes, AuditEntry audit, bool replaceAll = false)
    {
        var args = new List<RedisValue>
        {
            Channel.ToString(),
            expectedVersion,
            JsonSerializer.Serialize(audit with { Version = -1 }, CatalogJsonContext.Default.AuditEntry),
            AuditLength,
            (audit.Time - _auditRetention).ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'+00:00'", System.Globalization.CultureInfo.InvariantCulture),
        };
        if (replaceAll)
        {
            foreach (var kind in new[] { CatalogKind.Sites, CatalogKind.Placements, CatalogKind.Advertisers, CatalogKind.Campaigns })
            {
                args.Add("clear");
                args.Add((int)kind);
            }
        }

        foreach (var change in changes)
        {
            args.Add(change.Json is null ? "del" : "set");
            args.Add((int)change.Kind);
            args.Add(change.Id);
            if (change.Json is not null)
            {
                args.Add(change.Json);
            }
        }

        var result = await _redis.Database.ScriptEvaluateAsync(ApplyScript, Keys, [.. args]).ConfigureAwait(false);
        return (long)result;
    }

    /// <summary>One stored entity's JSON, or <c>null</c>.</summary>
    public async Task<string?> GetEntityJsonAsync(CatalogKind kind, string id)
    {
        var value = await _redis.Database.HashGetAsync(Keys[(int)kind + 2], id).ConfigureAwait(false);
        return value.IsNull ? null : (string)value!;
    }

    /// <summary>The JSON of every entity of one kind.</summary>
    public async Task<IReadOnlyList<string>> GetAllJsonAsync(CatalogKind kind)
    {
        var entries = await _redis.Database.HashGetAllAsync(Keys[(int)kind + 2]).ConfigureAwait(false);
        return entries.Select(e => (string)e.Value!).ToArray();
    }

    /// <summary>The newest audit entries first.</summary>
    /// <summary>The newest audit entries first, at most <paramref name="limit"/> of those that <paramref name="match"/>.</summary>
    public async Task<IReadOnlyList<AuditEntry>> ReadAuditAsync(int limit, Func<AuditEntry, bool>? match = null)
    {
        var values = await _redis.Database.ListRangeAsync(Key("audit"), 0, match is null ? limit - 1 : -1).ConfigureAwait(false);
        return values
            .Select(v => JsonSerializer.Deserialize((string)v!, CatalogJsonContext.Default.AuditEntry)!)
            .Select(e => e.Time == default ? e with { Time = e.At } : e) // written before entries had a time
            .Where(e => match is null || match(e))
            .Take(limit)
            .ToArray();
    }

    /// <summary>The named keys (with their hashes), by id.</summary>
    public async Task<IReadOnlyList<NamedKey>> GetNamedKeysAsync()
    {
        var entries = await _redis.Database.HashGetAllAsync(Key("keys")).ConfigureAwait(false);
        return [.. entries.Select(e => JsonSerializer.Deserialize((string)e.Value!, CatalogJsonContext.Default.NamedKey)!).OrderBy(k => k.Id, StringComparer.Ordinal)];
    }

    /// <summary>Every advertiser's report-key hash (<see cref="SecretComparer.Hash"/>).</summary>
    public async Task<IReadOnlyList<(string AdvertiserId, string KeyHash)>> GetReportKeyHashesAsync()
    {
        var entries = await _redis.Database.HashGetAllAsync(Key("report-keys")).ConfigureAwait(false);
        return entries.Select(e => ((string)e.Name!, (string)e.Value!)).ToArray();
    }

    private static List<T> Read<T>(RedisResult hash, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        var pairs = (RedisResult[])hash!;
        var items = new List<T>(pairs.Length / 2);
        for (var i = 1; i < pairs.Length; i += 2)
        {
            items.Add(JsonSerializer.Deserialize((string)pairs[i]!, type)!);
        }

        // Hashes have no order: keep the document stable by id.
        return [.. items.OrderBy(IdOf, StringComparer.Ordinal)];
    }

    private static string IdOf<T>(T item) => item switch
    {
        Site s => s.Id,
        Placement p => p.Id,
        Advertiser a => a.Id,
        Campaign c => c.Id,
        _ => "",
    };
}
