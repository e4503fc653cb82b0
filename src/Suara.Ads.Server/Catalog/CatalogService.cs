using StackExchange.Redis;
using Suara.Ads.Core.Catalog;
using Suara.Ads.Core.Snapshot;
using Suara.Ads.Core.Utilities;
using Suara.Ads.Server.Hosting;

namespace Suara.Ads.Server.Catalog;

/// <summary>What became of an admin change.</summary>
internal enum ChangeStatus
{
    Created,
    Replaced,
    Deleted,
    NotFound,
    PreconditionFailed,
    Invalid,
    Referenced,
    Unavailable,

    /// <summary>A create-only PUT (<c>If-None-Match: *</c>) found the entity already there.</summary>
    Exists,
}

/// <summary>The outcome of an admin change.</summary>
internal sealed record ChangeResult(ChangeStatus Status)
{
    public string? ETag { get; init; }

    public ValidationErrors? Errors { get; init; }

    public IReadOnlyList<string> References { get; init; } = [];

    public string? ReportKey { get; init; }

    /// <summary>A named key just created, with its secret.</summary>
    public NamedKeyResponse? CreatedKey { get; init; }

    public long Version { get; init; }
}

/// <summary>
/// Changes the catalog in Redis: read it, apply the change, validate the whole catalog, write it only if nobody
/// changed it meanwhile (else start again), then publish the new snapshot here at once (other instances hear of it
/// on the change channel).
/// </summary>
internal sealed class CatalogService
{
    private const int Attempts = 5;

    private readonly RedisCatalogStore _store;
    private readonly CatalogSnapshotHolder _holder;
    private readonly CatalogPublisher _publisher;
    private readonly TimeProvider _time;
    private readonly ILogger<CatalogService> _logger;

    public CatalogService(RedisCatalogStore store, CatalogSnapshotHolder holder, CatalogPublisher publisher, TimeProvider time, ILogger<CatalogService> logger)
    {
        _store = store;
        _holder = holder;
        _publisher = publisher;
        _time = time;
        _logger = logger;
    }

    public bool IsAvailable => _store.IsAvailable;

    public Task<(CatalogDocument Document, long Version)> LoadAsync() => _store.LoadAsync();

    public Task<IReadOnlyList<AuditEntry>> ReadAuditAsync(int limit, Func<AuditEntry, bool>? match = null) => _store.ReadAuditAsync(limit, match);

    /// <summary>One entity, read on its own (not the whole catalog).</summary>
    public async Task<T?> GetAsync<T>(EntityKind<T> kind, string id)
        where T : class =>
        await _store.GetEntityJsonAsync(kind.Kind, id).ConfigureAwait(false) is { } json
            ? System.Text.Json.JsonSerializer.Deserialize(json, kind.Json)
            : null;

    /// <summary>
    /// Every entity of <paramref name="kind"/>, ordered by id. When the catalog in force is the stored version (one GET
    /// of the version), or can be brought to it from the change log (a change made on another instance less than a
    /// second ago), its entities are listed from memory: a snapshot's document is ordered by id. Otherwise the catalog
    /// is read, so a list always shows every write.
    /// </summary>
    public async Task<IReadOnlyList<T>> ListAsync<T>(EntityKind<T> kind)
        where T : class
    {
        var snapshot = _holder.Current;
        if (_holder.IsLoaded)
        {
            var stored = await _store.GetVersionAsync().ConfigureAwait(false);
            if (snapshot.Version > 0 && snapshot.Version < stored && await CatchUpAsync(snapshot).ConfigureAwait(false) is { Snapshot: { } newer })
            {
                snapshot = newer;
            }

            if (snapshot.Version == stored)
            {
                return kind.List(snapshot.Document);
            }
        }

        return kind.List((await _store.LoadAsync().ConfigureAwait(false)).Document);
    }

    public async Task<ChangeResult> PutAsync<T>(EntityKind<T> kind, string id, T entity, string? ifMatch, Actor actor, bool createOnly = false)
        where T : class
    {
        entity = kind.WithId(entity, id);
        return await ChangeAsync((document, version) =>
        {
            var existing = kind.Find(document, id);
            if (createOnly && existing is not null)
            {
                return (new ChangeResult(ChangeStatus.Exists) { ETag = kind.ETag(existing) }, null);
            }

            if (!Matches(kind, existing, ifMatch))
            {
                return (new ChangeResult(ChangeStatus.PreconditionFailed) { ETag = existing is null ? null : kind.ETag(existing) }, null);
            }

            var errors = new ValidationErrors();
            kind.Validate(entity, document, errors);
            if (!errors.IsEmpty)
            {
                return (new ChangeResult(ChangeStatus.Invalid) { Errors = errors }, null);
            }

            var json = kind.Serialize(entity);
            var changes = new List<CatalogChange> { new(kind.Kind, id, json) };
            string? reportKey = null;
            if (existing is null && kind.Kind == CatalogKind.Advertisers)
            {
                reportKey = SecretComparer.NewKey();
                changes.Add(new CatalogChange(CatalogKind.ReportKeys, id, SecretComparer.Hash(reportKey)));
            }

            var status = existing is null ? ChangeStatus.Created : ChangeStatus.Replaced;
            var diff = AuditDiff.Of(existing is null ? null : kind.Serialize(existing), json);
            var plan = new ChangePlan(kind.Upserted(entity), changes, Audit(existing is null ? "create" : "replace", kind.Name, id, actor) with { Changes = diff });
            return (new ChangeResult(status) { ETag = kind.ETag(entity), ReportKey = reportKey }, plan);
        }).ConfigureAwait(false);
    }

    public Task<ChangeResult> DeleteAsync<T>(EntityKind<T> kind, string id, string? ifMatch, Actor actor)
        where T : class =>
        ChangeAsync((document, _) =>
        {
            var existing = kind.Find(document, id);
            if (existing is null)
            {
                return (new ChangeResult(ChangeStatus.NotFound), null);
            }

            if (!Matches(kind, existing, ifMatch))
            {
                return (new ChangeResult(ChangeStatus.PreconditionFailed) { ETag = kind.ETag(existing) }, null);
            }

            var references = kind.ReferencedBy(document, id);
            if (references.Count > 0)
            {
                return (new ChangeResult(ChangeStatus.Referenced) { References = references }, null);
            }

            var changes = new List<CatalogChange> { new(kind.Kind, id, null) };
            if (kind.Kind == CatalogKind.Advertisers)
            {
                changes.Add(new CatalogChange(CatalogKind.ReportKeys, id, null));
            }

            var plan = new ChangePlan(kind.Removed(id), changes, Audit("delete", kind.Name, id, actor) with { Changes = AuditDiff.Of(kind.Serialize(existing), null) });
            return (new ChangeResult(ChangeStatus.Deleted), plan);
        });

    /// <summary>Replaces the whole catalog, or changes nothing when the document is not valid.</summary>
    public Task<ChangeResult> ImportAsync(CatalogDocument imported, Actor actor, bool onlyIfEmpty = false) =>
        ChangeAsync((document, version) =>
        {
            if (onlyIfEmpty && version != 0)
            {
                return (new ChangeResult(ChangeStatus.PreconditionFailed) { Version = version }, null);
            }

            var changes = new List<CatalogChange>();
            changes.AddRange(imported.Sites.Select(s => new CatalogChange(CatalogKind.Sites, s.Id, EntityKinds.Sites.Serialize(s))));
            changes.AddRange(imported.Placements.Select(p => new CatalogChange(CatalogKind.Placements, p.Id, EntityKinds.Placements.Serialize(p))));
            changes.AddRange(imported.Advertisers.Select(a => new CatalogChange(CatalogKind.Advertisers, a.Id, EntityKinds.Advertisers.Serialize(a))));
            changes.AddRange(imported.Campaigns.Select(c => new CatalogChange(CatalogKind.Campaigns, c.Id, EntityKinds.Campaigns.Serialize(c))));

            // Advertisers that disappear lose their report keys; new ones get theirs from POST …/report-key.
            changes.AddRange(document.Advertisers
                .Where(a => !imported.Advertisers.Any(i => i.Id == a.Id))
                .Select(a => new CatalogChange(CatalogKind.ReportKeys, a.Id, null)));
            var plan = new ChangePlan(s_unchanged, changes, Audit(onlyIfEmpty ? "seed" : "import", "catalog", "", actor), Imported: imported);
            return (new ChangeResult(ChangeStatus.Replaced), plan);
        });

    public Task<ChangeResult> RotateReportKeyAsync(string advertiserId, Actor actor) =>
        ChangeAsync((document, _) =>
        {
            if (EntityKinds.Advertisers.Find(document, advertiserId) is null)
            {
                return (new ChangeResult(ChangeStatus.NotFound), null);
            }

            var key = SecretComparer.NewKey();
            var plan = new ChangePlan(s_unchanged, [new CatalogChange(CatalogKind.ReportKeys, advertiserId, SecretComparer.Hash(key))], Audit("rotate-report-key", "advertiser", advertiserId, actor));
            return (new ChangeResult(ChangeStatus.Replaced) { ReportKey = key }, plan);
        });

    /// <summary>The named keys, without their hashes.</summary>
    public async Task<IReadOnlyList<NamedKeyResponse>> ListKeysAsync() =>
        [.. (await _store.GetNamedKeysAsync().ConfigureAwait(false)).Select(k => NamedKeyResponse.Of(k))];

    /// <summary>Creates a named key of <paramref name="role"/>; its secret is in the result, and only there.</summary>
    public Task<ChangeResult> CreateKeyAsync(string name, string role, Actor actor) =>
        ChangeAsync((document, _) =>
        {
            var id = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6));
            var secret = NamedKeyResolver.Format(id, SecretComparer.NewKey());
            var key = new NamedKey { Id = id, Name = name, Role = role, Created = _time.GetUtcNow(), KeyHash = SecretComparer.Hash(secret) };
            var json = System.Text.Json.JsonSerializer.Serialize(key, CatalogJsonContext.Default.NamedKey);
            var plan = new ChangePlan(s_unchanged, [new CatalogChange(CatalogKind.Keys, id, json)], Audit("create-key", "key", id, actor) with { Changes = [new AuditChange { Path = "name", To = name }, new AuditChange { Path = "role", To = role }] });
            return (new ChangeResult(ChangeStatus.Created) { CreatedKey = NamedKeyResponse.Of(key, secret) }, plan);
        });

    /// <summary>Revokes the named key <paramref name="id"/> (on every instance within a second: the catalog version moves).</summary>
    public async Task<ChangeResult> RevokeKeyAsync(string id, Actor actor)
    {
        if (!_store.IsAvailable)
        {
            return new ChangeResult(ChangeStatus.Unavailable);
        }

        if ((await _store.GetNamedKeysAsync().ConfigureAwait(false)).All(k => k.Id != id))
        {
            return new ChangeResult(ChangeStatus.NotFound);
        }

        return await ChangeAsync((document, _) =>
            (new ChangeResult(ChangeStatus.Deleted), new ChangePlan(s_unchanged, [new CatalogChange(CatalogKind.Keys, id, null)], Audit("revoke-key", "key", id, actor)))).ConfigureAwait(false);
    }

    private async Task<ChangeResult> ChangeAsync(Func<CatalogDocument, long, (ChangeResult Result, ChangePlan? Plan)> decide)
    {
        if (!_store.IsAvailable)
        {
            return new ChangeResult(ChangeStatus.Unavailable);
        }

        try
        {
            for (var attempt = 0; attempt < Attempts; attempt++)
            {
                var (basis, document, version) = await CurrentAsync().ConfigureAwait(false);
                var (result, plan) = decide(document, version);
                if (plan is null)
                {
                    return result;
                }

                // Validate the catalog as it will be before anything is written: an import whole; one change against
                // the snapshot in force (what changed, and what refers to it), or, when this instance could not bring
                // its snapshot to the stored version, whole as read.
                CatalogSnapshot? snapshot;
                ValidationErrors errors;
                var valid = plan.Imported is not null ? CatalogSnapshotBuilder.TryBuild(plan.Imported, version + 1, out snapshot, out errors)
                    : basis is not null ? CatalogSnapshotBuilder.TryApply(basis, plan.Delta, version + 1, out snapshot, out errors)
                    : CatalogSnapshotBuilder.TryBuild(CatalogSnapshotBuilder.Apply(document, plan.Delta), version + 1, out snapshot, out errors);
                if (!valid)
                {
                    return new ChangeResult(ChangeStatus.Invalid) { Errors = errors };
                }

                var written = await _store.ApplyAsync(version, plan.Changes, plan.Audit with { At = _time.GetUtcNow(), Time = _time.GetUtcNow() }, replaceAll: plan.Imported is not null).ConfigureAwait(false);
                if (written < 0)
                {
                    _logger.CatalogChangeConflict(version);
                    continue;
                }

                await _publisher.PublishAsync(snapshot!).ConfigureAwait(false);
                return result with { Version = written };
            }

            return new ChangeResult(ChangeStatus.Unavailable);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or System.Text.Json.JsonException)
        {
            _logger.CatalogChangeFailed(ex.Message);
            return new ChangeResult(ChangeStatus.Unavailable);
        }
    }

    /// <summary>
    /// The catalog a change is decided on: the snapshot in force when it is the stored version (the usual case, one
    /// GET of the version); when this instance is behind (a change made elsewhere less than a second ago), that
    /// snapshot brought up to the stored version from the change log; else (an import, a log that cannot tell, no
    /// snapshot yet) the stored catalog read whole, with no snapshot to change incrementally.
    /// </summary>
    private async Task<(CatalogSnapshot? Basis, CatalogDocument Document, long Version)> CurrentAsync()
    {
        var snapshot = _holder.Current;
        var stored = await _store.GetVersionAsync().ConfigureAwait(false);
        if (_holder.IsLoaded && stored > 0 && snapshot.Version > 0)
        {
            if (snapshot.Version == stored)
            {
                return (snapshot, snapshot.Document, stored);
            }

            if (snapshot.Version < stored && await CatchUpAsync(snapshot).ConfigureAwait(false) is { Snapshot: { } newer })
            {
                return (newer, newer.Document, newer.Version);
            }
        }

        var (document, version) = await _store.LoadAsync().ConfigureAwait(false);
        return (null, document, version);
    }

    /// <summary>
    /// Brings <paramref name="snapshot"/> up to the stored version by applying what the change log says changed since
    /// (<see cref="RedisCatalogStore.ChangesSinceAsync"/>, <see cref="CatalogSnapshotBuilder.TryApply"/>) and publishes
    /// the result. <c>null</c> when the log cannot tell (then only a whole load will do); a result with errors when
    /// the stored catalog does not build.
    /// </summary>
    public async Task<CatchUp?> CatchUpAsync(CatalogSnapshot snapshot)
    {
        if (await _store.ChangesSinceAsync(snapshot.Version).ConfigureAwait(false) is not { } stored)
        {
            return null;
        }

        if (stored.Version <= snapshot.Version)
        {
            return new CatchUp(snapshot, stored.Version, null);
        }

        var strings = new CatalogStrings();
        List<Site> sites = [];
        List<Placement> placements = [];
        List<Advertiser> advertisers = [];
        List<Campaign> campaigns = [];
        List<string> removedSites = [], removedPlacements = [], removedAdvertisers = [], removedCampaigns = [];
        foreach (var change in stored.Changes)
        {
            switch (change.Kind)
            {
                case CatalogKind.Sites: Add(change, sites, removedSites, CatalogJsonContext.Default.Site); break;
                case CatalogKind.Placements: Add(change, placements, removedPlacements, CatalogJsonContext.Default.Placement); break;
                case CatalogKind.Advertisers: Add(change, advertisers, removedAdvertisers, CatalogJsonContext.Default.Advertiser); break;
                case CatalogKind.Campaigns: Add(change, campaigns, removedCampaigns, CatalogJsonContext.Default.Campaign); break;
            }
        }

        var delta = new CatalogDelta
        {
            Sites = sites, Placements = placements, Advertisers = advertisers, Campaigns = campaigns,
            RemovedSites = removedSites, RemovedPlacements = removedPlacements, RemovedAdvertisers = removedAdvertisers, RemovedCampaigns = removedCampaigns,
        };
        if (!CatalogSnapshotBuilder.TryApply(snapshot, delta, stored.Version, out var next, out var errors))
        {
            return new CatchUp(null, stored.Version, errors);
        }

        await _publisher.PublishAsync(next!).ConfigureAwait(false);
        return new CatchUp(next, stored.Version, null);

        void Add<T>(StoredChange change, List<T> upserts, List<string> removed, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
            where T : class
        {
            if (change.Json is null)
            {
                removed.Add(change.Id);
            }
            else
            {
                upserts.Add(RedisCatalogStore.Deserialize(change.Json, type, strings));
            }
        }
    }

    private static readonly CatalogDelta s_unchanged = new();

    private static bool Matches<T>(EntityKind<T> kind, T? existing, string? ifMatch)
        where T : class =>
        ifMatch is null
        || (ifMatch.Trim() == "*" ? existing is not null : existing is not null && ifMatch.Split(',').Any(t => t.Trim() == kind.ETag(existing)));

    private static AuditEntry Audit(string action, string kind, string id, Actor actor) =>
        new() { Action = action, Kind = kind, Id = id, Key = actor.Fingerprint, KeyName = actor.Name };

    /// <summary>A change to make: what it does to the catalog (or the catalog it imports whole), what is written, the audit entry.</summary>
    private sealed record ChangePlan(CatalogDelta Delta, IReadOnlyList<CatalogChange> Changes, AuditEntry Audit, CatalogDocument? Imported = null);
}

/// <summary>
/// What <see cref="CatalogService.CatchUpAsync"/> made of the change log: the snapshot at <see cref="Version"/>, or
/// the errors of a stored catalog that does not build.
/// </summary>
internal sealed record CatchUp(CatalogSnapshot? Snapshot, long Version, ValidationErrors? Errors);
