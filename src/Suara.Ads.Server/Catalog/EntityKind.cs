using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Suara.Ads.Core.Catalog;
using Suara.Ads.Core.Snapshot;
using Suara.Ads.Core.Utilities;

namespace Suara.Ads.Server.Catalog;

/// <summary>What the admin API needs to know about one kind of catalog entity.</summary>
internal sealed class EntityKind<T>
    where T : class
{
    public required CatalogKind Kind { get; init; }

    /// <summary>Singular name, e.g. <c>campaign</c>.</summary>
    public required string Name { get; init; }

    /// <summary>Path segment, e.g. <c>campaigns</c>.</summary>
    public required string Plural { get; init; }

    public required JsonTypeInfo<T> Json { get; init; }

    public required Func<T, string> IdOf { get; init; }

    public required Func<T, string, T> WithId { get; init; }

    public required Func<CatalogDocument, IReadOnlyList<T>> List { get; init; }

    public required Func<CatalogDocument, IReadOnlyList<T>, CatalogDocument> Replace { get; init; }

    /// <summary>Validates one entity against the rest of the catalog; field paths relative to the entity.</summary>
    public required Action<T, CatalogDocument, ValidationErrors> Validate { get; init; }

    /// <summary>Who refers to the entity with this id (e.g. the campaigns that use a placement).</summary>
    public required Func<CatalogDocument, string, IReadOnlyList<string>> ReferencedBy { get; init; }

    /// <summary>The change that puts <c>entity</c> in (creating or replacing it).</summary>
    public required Func<T, CatalogDelta> Upserted { get; init; }

    /// <summary>The change that takes the entity with id out.</summary>
    public required Func<string, CatalogDelta> Removed { get; init; }

    /// <summary>
    /// The entity with this id, or <c>null</c>. A snapshot's document is ordered by id, its campaigns (the one list that
    /// grows large) in a <see cref="ChunkedList{T}"/>: found by binary search there (at 100k campaigns a walk cost a
    /// change 10-25 ms); any other list is walked.
    /// </summary>
    public T? Find(CatalogDocument document, string id)
    {
        var items = List(document);
        if (items is ChunkedList<T>)
        {
            var at = CatalogSnapshotBuilder.IndexOf(items, id, IdOf);
            return at >= 0 ? items[at] : null;
        }

        return items.FirstOrDefault(e => IdOf(e) == id);
    }

    public string Serialize(T entity) => JsonSerializer.Serialize(entity, Json);

    /// <summary>
    /// <paramref name="entity"/> with a JSON merge patch (RFC 7396) applied: <c>null</c> when the patch removes it whole.
    /// Throws <see cref="JsonException"/> when the result is not this kind's JSON.
    /// </summary>
    public T? Patched(T entity, System.Text.Json.Nodes.JsonNode patch) =>
        JsonSerializer.Deserialize(MergePatch.Apply(System.Text.Json.Nodes.JsonNode.Parse(Serialize(entity)), patch), Json);

    /// <summary>A strong validator of the entity's current content.</summary>
    public string ETag(T entity)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(Serialize(entity)), hash);
        return "\"" + Convert.ToHexStringLower(hash[..12]) + "\"";
    }
}

/// <summary>The four entity kinds.</summary>
internal static class EntityKinds
{
    public static readonly EntityKind<Site> Sites = new()
    {
        Kind = CatalogKind.Sites,
        Name = "site",
        Plural = "sites",
        Json = CatalogJsonContext.Default.Site,
        IdOf = s => s.Id,
        WithId = (s, id) => s with { Id = id },
        List = d => d.Sites,
        Replace = (d, items) => d with { Sites = items },
        Upserted = e => new CatalogDelta { Sites = [e] },
        Removed = id => new CatalogDelta { RemovedSites = [id] },
        Validate = (s, _, errors) => CatalogValidator.ValidateSite(s, "", errors),
        ReferencedBy = (d, id) => d.Placements.Where(p => p.Site == id).Select(p => $"placement '{p.Id}'").ToArray(),
    };

    public static readonly EntityKind<Placement> Placements = new()
    {
        Kind = CatalogKind.Placements,
        Name = "placement",
        Plural = "placements",
        Json = CatalogJsonContext.Default.Placement,
        IdOf = p => p.Id,
        WithId = (p, id) => p with { Id = id },
        List = d => d.Placements,
        Replace = (d, items) => d with { Placements = items },
        Upserted = e => new CatalogDelta { Placements = [e] },
        Removed = id => new CatalogDelta { RemovedPlacements = [id] },
        Validate = (p, d, errors) => CatalogValidator.ValidatePlacement(p, "", errors, id => d.Sites.Any(s => s.Id == id)),
        ReferencedBy = (d, id) => d.Campaigns.Where(c => c.Placements.Contains(id)).Select(c => $"campaign '{c.Id}'").ToArray(),
    };

    public static readonly EntityKind<Advertiser> Advertisers = new()
    {
        Kind = CatalogKind.Advertisers,
        Name = "advertiser",
        Plural = "advertisers",
        Json = CatalogJsonContext.Default.Advertiser,
        IdOf = a => a.Id,
        WithId = (a, id) => a with { Id = id },
        List = d => d.Advertisers,
        Replace = (d, items) => d with { Advertisers = items },
        Upserted = e => new CatalogDelta { Advertisers = [e] },
        Removed = id => new CatalogDelta { RemovedAdvertisers = [id] },
        Validate = (a, _, errors) => CatalogValidator.ValidateAdvertiser(a, "", errors),
        ReferencedBy = (d, id) => d.Campaigns.Where(c => c.AdvertiserId == id).Select(c => $"campaign '{c.Id}'").ToArray(),
    };

    public static readonly EntityKind<Campaign> Campaigns = new()
    {
        Kind = CatalogKind.Campaigns,
        Name = "campaign",
        Plural = "campaigns",
        Json = CatalogJsonContext.Default.Campaign,
        IdOf = c => c.Id,
        WithId = (c, id) => c with { Id = id },
        List = d => d.Campaigns,
        Replace = (d, items) => d with { Campaigns = items },
        Upserted = e => new CatalogDelta { Campaigns = [e] },
        Removed = id => new CatalogDelta { RemovedCampaigns = [id] },
        Validate = (c, d, errors) => CatalogValidator.ValidateCampaign(c, "", errors, id => d.Advertisers.Any(a => a.Id == id), id => d.Placements.FirstOrDefault(p => p.Id == id)),
        ReferencedBy = (_, _) => [],
    };
}
