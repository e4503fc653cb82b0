using System.Text.Json;
using StackExchange.Redis;
using Suara.Ads.Core.Catalog;
using Suara.Ads.Core.Snapshot;
using Suara.Ads.Server.Hosting;

namespace Suara.Ads.Server.Catalog;

/// <summary>
/// The catalog in Redis, the source of truth: one hash per collection (id to JSON), a version number, an audit
/// list, a change log and the advertisers' report-key hashes, all under the hash tag <c>{catalog}</c>, so that a
/// change is written by one script: all of it or none, only if nobody changed the catalog since it was read
/// (optimistic concurrency on the version), logged with its version (which entities it touched) and announced on a
/// channel with the new version. Reads never take the whole catalog in one call: a load scans the hashes a page at a
/// time (a 100k-campaign catalog is some 85 MB of JSON, more than one call may take), and an instance that is a few
/// versions behind reads only what the change log says changed (<see cref="ChangesSinceAsync"/>).
/// </summary>
internal sealed class RedisCatalogStore
{
    /// <summary>Audit entries kept.</summary>
    public const int AuditLength = 10_000;

    /// <summary>Entries kept in the change log: an instance further behind than this reloads the whole catalog.</summary>
    public const int ChangeLogLength = 1_000;

    /// <summary>Entries of a hash read per call when loading (HSCAN's COUNT).</summary>
    public const int ScanPageSize = 500;

    private const string LoadScript = """
        return { redis.call('GET', KEYS[1]) or '0', redis.call('HGETALL', KEYS[2]), redis.call('HGETALL', KEYS[3]),
                 redis.call('HGETALL', KEYS[4]), redis.call('HGETALL', KEYS[5]) }
        """;

    // KEYS: version, audit, sites, placements, advertisers, campaigns, report keys, named keys, change log.
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
        local logged = { tostring(version) }
        i = 6
        while i <= #ARGV do
          local op = ARGV[i]
          if op == 'clear' then
            logged[#logged + 1] = '*'
            i = i + 2
          else
            logged[#logged + 1] = ARGV[i + 1] .. ':' .. ARGV[i + 2]
            i = i + (op == 'set' and 4 or 3)
          end
        end
        redis.call('LPUSH', KEYS[9], table.concat(logged, ' '))
        redis.call('LTRIM', KEYS[9], 0, 999) -- ChangeLogLength - 1
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

    // What changed after version ARGV[1], read atomically with the current values of what changed. KEYS: version, change
    // log, sites, placements, advertisers, campaigns. Returns { version } when nothing changed; { version, 'full' }
    // when the log does not cover every version since (trimmed, written by a version without a log, or an import:
    // '*'); else { version, 'delta', kind, id, json-or-nil, … } for each catalog entity changed (report keys and named
    // keys are not part of the snapshot and are left out). Each log entry is 'VERSION KIND:ID …'.
    private const string ChangesScript = """
        local version = tonumber(redis.call('GET', KEYS[1]) or '0')
        local since = tonumber(ARGV[1])
        if version == since then return { version } end
        if version < since or version - since > 1000 then return { version, 'full' } end
        local entries = redis.call('LRANGE', KEYS[2], 0, version - since - 1)
        if #entries ~= version - since then return { version, 'full' } end
        local result = { version, 'delta' }
        local seen = {}
        for n = 1, #entries do
          local entry = entries[n]
          if tonumber(string.match(entry, '^(%d+)')) ~= version - n + 1 or string.find(entry, ' %*') then
            return { version, 'full' }
          end
          for kind, id in string.gmatch(entry, ' (%d+):([^ ]+)') do
            local k = tonumber(kind)
            if k <= 3 and not seen[kind .. ':' .. id] then
              seen[kind .. ':' .. id] = true
              result[#result + 1] = k
              result[#result + 1] = id
              result[#result + 1] = redis.call('HGET', KEYS[3 + k], id) or false
            end
          end
        end
        return result
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
        Key("version"), Key("audit"), Key("sites"), Key("placements"), Key("advertisers"), Key("campaigns"), Key("report-keys"), Key("keys"), Key("changes"),
    ];

    /// <summary>The stored version (0 when no catalog was ever written).</summary>
    public async Task<long> GetVersionAsync()
    {
        var value = await _redis.Database.StringGetAsync(Key("version")).ConfigureAwait(false);
        return value.TryParse(out long version) ? version : 0;
    }

    /// <summary>
    /// Reads the whole catalog and its version: the version, then every hash a page at a time (HSCAN), then the version
    /// again. When a change came in between, what the change log says changed since the first version is read again
    /// (atomically, at the newest version) over what was scanned; when the log cannot say (it was trimmed, an import),
    /// the scan starts again, and after <see cref="LoadAttempts"/> scans the whole catalog is read in one script.
    /// Each value is deserialized from its UTF-8 bytes as its page arrives: no JSON text of the catalog is held.
    /// </summary>
    public async Task<(CatalogDocument Document, long Version)> LoadAsync()
    {
        for (var attempt = 0; attempt < LoadAttempts; attempt++)
        {
            var before = await GetVersionAsync().ConfigureAwait(false);
            var strings = new CatalogStrings();
            var sites = await ScanAsync(CatalogKind.Sites, CatalogJsonContext.Default.Site, strings).ConfigureAwait(false);
            var placements = await ScanAsync(CatalogKind.Placements, CatalogJsonContext.Default.Placement, strings).ConfigureAwait(false);
            var advertisers = await ScanAsync(CatalogKind.Advertisers, CatalogJsonContext.Default.Advertiser, strings).ConfigureAwait(false);
            var campaigns = await ScanAsync(CatalogKind.Campaigns, CatalogJsonContext.Default.Campaign, strings, CatalogSnapshotBuilder.Precompile).ConfigureAwait(false);
            var version = before;
            if (await GetVersionAsync().ConfigureAwait(false) != before)
            {
                if (await ChangesSinceAsync(before).ConfigureAwait(false) is not { } changes)
                {
                    continue;
                }

                version = changes.Version;
                foreach (var change in changes.Changes)
                {
                    switch (change.Kind)
                    {
                        case CatalogKind.Sites: Overlay(sites, change, CatalogJsonContext.Default.Site, strings); break;
                        case CatalogKind.Placements: Overlay(placements, change, CatalogJsonContext.Default.Placement, strings); break;
                        case CatalogKind.Advertisers: Overlay(advertisers, change, CatalogJsonContext.Default.Advertiser, strings); break;
                        case CatalogKind.Campaigns: Overlay(campaigns, change, CatalogJsonContext.Default.Campaign, strings); break;
                    }
                }
            }

            var document = new CatalogDocument { Sites = Sorted(sites), Placements = Sorted(placements), Advertisers = Sorted(advertisers), Campaigns = Sorted(campaigns) };
            return (document, version);
        }

        return await LoadAtomicallyAsync().ConfigureAwait(false);
    }

    /// <summary>Scans made by <see cref="LoadAsync"/> before it reads the catalog in one script.</summary>
    public const int LoadAttempts = 3;

    /// <summary>The whole catalog in one script: atomic, but one call for all of it (the last resort of <see cref="LoadAsync"/>).</summary>
    private async Task<(CatalogDocument Document, long Version)> LoadAtomicallyAsync()
    {
        var keys = Keys;
        var result = await _redis.Database.ScriptEvaluateAsync(LoadScript, [keys[0], keys[2], keys[3], keys[4], keys[5]]).ConfigureAwait(false);
        var parts = (RedisResult[])result!;
        var version = long.Parse((string)parts[0]!, System.Globalization.CultureInfo.InvariantCulture);
        var strings = new CatalogStrings();
        var document = new CatalogDocument
        {
            Sites = Read(parts[1], CatalogJsonContext.Default.Site, strings),
            Placements = Read(parts[2], CatalogJsonContext.Default.Placement, strings),
            Advertisers = Read(parts[3], CatalogJsonContext.Default.Advertiser, strings),
            Campaigns = Read(parts[4], CatalogJsonContext.Default.Campaign, strings),
        };
        return (document, version);
    }

    /// <summary>
    /// What changed after <paramref name="since"/>: the current version and the current value (null: deleted) of
    /// every catalog entity changed since, read in one script; <c>null</c> when the change log cannot tell (the
    /// catalog was imported whole, or more changed than the log keeps): then only a whole load will do.
    /// </summary>
    public async Task<StoredChanges?> ChangesSinceAsync(long since)
    {
        var keys = Keys;
        var result = await _redis.Database.ScriptEvaluateAsync(ChangesScript, [keys[0], keys[8], keys[2], keys[3], keys[4], keys[5]], [since]).ConfigureAwait(false);
        var parts = (RedisResult[])result!;
        var version = (long)parts[0];
        if (parts.Length == 1)
        {
            return new StoredChanges(version, []);
        }

        if ((string?)parts[1] != "delta")
        {
            return null;
        }

        var changes = new List<StoredChange>((parts.Length - 2) / 3);
        for (var i = 2; i + 2 < parts.Length; i += 3)
        {
            changes.Add(new StoredChange((CatalogKind)(int)parts[i], (string)parts[i + 1]!, parts[i + 2].IsNull ? null : (byte[])parts[i + 2]!));
        }

        return new StoredChanges(version, changes);
    }

    /// <summary>
    /// Deserializes one stored entity, its strings shared through <paramref name="strings"/>. A campaign in the shape
    /// the catalog writes is read by <see cref="CampaignJsonReader"/> (the same campaign, without the serializer's
    /// garbage); anything else by the serializer.
    /// </summary>
    public static T Deserialize<T>(ReadOnlySpan<byte> json, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CatalogStrings strings)
        where T : class
    {
        if (ReferenceEquals(type, CatalogJsonContext.Default.Campaign) && CampaignJsonReader.TryRead(json, strings) is { } campaign)
        {
            return (T)(object)campaign;
        }

        return strings.Share(JsonSerializer.Deserialize(json, type) ?? throw new JsonException("The stored value is null."));
    }

    /// <summary>
    /// Every entity of a hash, by id. <paramref name="prepare"/>, when given, is called for each entity of a page as it
    /// is deserialized, off the read (campaigns compile their targeting rules there, while the next pages arrive).
    /// </summary>
    private async Task<Dictionary<string, T>> ScanAsync<T>(CatalogKind kind, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CatalogStrings strings, Action<T>? prepare = null)
        where T : class
    {
        // Each page is deserialized on the thread pool while the next one is read: on more than one core the load
        // takes about as long as the slower of the two, not their sum. A page shares strings within itself.
        var pages = new List<Task<(string Id, T Item)[]>>();
        var page = new List<(string Id, RedisValue Json)>(ScanPageSize);
        await foreach (var entry in _redis.Database.HashScanAsync(Keys[(int)kind + 2], pageSize: ScanPageSize).ConfigureAwait(false))
        {
            page.Add(((string)entry.Name!, entry.Value));
            if (page.Count == ScanPageSize)
            {
                pages.Add(DeserializeAsync(page, type, prepare));
                page = new List<(string Id, RedisValue Json)>(ScanPageSize);
            }
        }

        // HSCAN may return an entry twice (while the hash is resized): keyed by id, the last one read wins.
        var items = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var (id, json) in page)
        {
            items[id] = Deserialize(((ReadOnlyMemory<byte>)json).Span, type, strings);
        }

        foreach (var task in pages)
        {
            foreach (var (id, item) in await task.ConfigureAwait(false))
            {
                items[id] = item;
            }
        }

        return items;

        static Task<(string Id, T Item)[]> DeserializeAsync(List<(string Id, RedisValue Json)> page, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, Action<T>? prepare) =>
            Task.Run(() =>
            {
                var strings = new CatalogStrings();
                var items = new (string Id, T Item)[page.Count];
                for (var i = 0; i < items.Length; i++)
                {
                    items[i] = (page[i].Id, Deserialize(((ReadOnlyMemory<byte>)page[i].Json).Span, type, strings));
                    prepare?.Invoke(items[i].Item);
                }

                return items;
            });
    }

    private static void Overlay<T>(Dictionary<string, T> items, StoredChange change, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CatalogStrings strings)
        where T : class
    {
        if (change.Json is null)
        {
            items.Remove(change.Id);
        }
        else
        {
            items[change.Id] = Deserialize(change.Json, type, strings);
        }
    }

    // Hashes have no order: keep the document stable by id.
    private static T[] Sorted<T>(Dictionary<string, T> items)
    {
        var keys = items.Keys.ToArray();
        var values = items.Values.ToArray();
        Array.Sort(keys, values, StringComparer.Ordinal);
        return values;
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

    private static T[] Read<T>(RedisResult hash, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CatalogStrings strings)
        where T : class
    {
        var pairs = (RedisResult[])hash!;
        var items = new Dictionary<string, T>(pairs.Length / 2, StringComparer.Ordinal);
        for (var i = 0; i + 1 < pairs.Length; i += 2)
        {
            items[(string)pairs[i]!] = Deserialize((byte[])pairs[i + 1]!, type, strings);
        }

        return Sorted(items);
    }
}

/// <summary>One catalog entity as stored now: its JSON (UTF-8), or <c>null</c> when it was deleted.</summary>
internal sealed record StoredChange(CatalogKind Kind, string Id, byte[]? Json);

/// <summary>The catalog entities changed since a version, as they are at <see cref="Version"/>.</summary>
internal sealed record StoredChanges(long Version, IReadOnlyList<StoredChange> Changes);
