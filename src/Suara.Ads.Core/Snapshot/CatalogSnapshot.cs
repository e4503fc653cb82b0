using System.Collections.Frozen;
using Suara.Ads.Core.Catalog;
using Suara.Ads.Core.Utilities;

namespace Suara.Ads.Core.Snapshot;

/// <summary>
/// An immutable, compiled and indexed catalog. Built off the request path by <see cref="CatalogSnapshotBuilder"/>
/// and published by swapping one reference (<see cref="CatalogSnapshotHolder"/>); a decision reads one snapshot
/// from start to end, so it never sees half a change.
/// </summary>
public sealed class CatalogSnapshot
{
    internal CatalogSnapshot(
        CatalogDocument document,
        long version,
        FrozenDictionary<string, CompiledSite> sites,
        FrozenDictionary<string, CompiledPlacement> placements,
        ChunkedList<CompiledCampaign> campaigns,
        CampaignLookup campaignsById,
        Dictionary<string, int> labelIds,
        string[] labels,
        int nextCampaignIndex,
        int nextCreativeIndex,
        int? cappedCampaigns = null)
    {
        Document = document;
        Version = version;
        Sites = sites;
        Placements = placements;
        Campaigns = campaigns;
        LabelIds = labelIds;
        Labels = labels;
        CampaignsById = campaignsById;
        NextCampaignIndex = nextCampaignIndex;
        NextCreativeIndex = nextCreativeIndex;
        CappedCampaigns = cappedCampaigns ?? campaigns.Count(c => c.CapImpressions > 0);
        HasFrequencyCaps = CappedCampaigns > 0;

        // Every campaign lists at least one of the placements, so the placements' roadblock lists (short) say it
        // without a walk over every campaign.
        HasRoadblocks = placements.Values.Any(p => Array.Exists(p.Roadblocks, e => e.Campaign.Status == CampaignStatus.Active));
    }

    /// <summary>An empty catalog: every slot is a no-fill.</summary>
    public static CatalogSnapshot Empty { get; } = CatalogSnapshotBuilder.Build(new CatalogDocument(), 0);

    /// <summary>The document the snapshot was built from, each collection ordered by id (ordinal).</summary>
    public CatalogDocument Document { get; }

    /// <summary>Catalog version (increases with every change; 0 for an empty catalog).</summary>
    public long Version { get; }

    /// <summary>Number of campaigns.</summary>
    public int CampaignCount => Campaigns.Count;

    internal FrozenDictionary<string, CompiledSite> Sites { get; }

    internal FrozenDictionary<string, CompiledPlacement> Placements { get; }

    /// <summary>
    /// The compiled campaigns in id order, in chunks: a snapshot derived by a change shares every chunk but the
    /// changed campaigns' (<see cref="ChunkedList{T}"/>).
    /// </summary>
    internal ChunkedList<CompiledCampaign> Campaigns { get; }

    /// <summary>The campaigns by id (shared in part with the snapshots derived from the same full build).</summary>
    internal CampaignLookup CampaignsById { get; }

    /// <summary>Interned exclusion labels by name (positions in <see cref="Labels"/>).</summary>
    internal Dictionary<string, int> LabelIds { get; }

    /// <summary>
    /// The <see cref="CompiledCampaign.Index"/> the next campaign compiled into a snapshot derived from this one takes.
    /// Indexes identify campaigns on a page, so they need only be unique within a snapshot, not dense.
    /// </summary>
    internal int NextCampaignIndex { get; }

    /// <summary>The <see cref="CompiledCreative.Index"/> the next compiled creative takes (as <see cref="NextCampaignIndex"/>).</summary>
    internal int NextCreativeIndex { get; }

    /// <summary>
    /// The time zone a campaign's days are counted in (goals per day, reports, flat rates): its first placement's
    /// site's; UTC for a campaign that is not (or no longer) in the catalog.
    /// </summary>
    internal TimeZoneInfo ZoneOf(string campaignId) =>
        CampaignsById.TryGetValue(campaignId, out var campaign) ? ZoneOf(campaign) : TimeZoneInfo.Utc;

    /// <inheritdoc cref="ZoneOf(string)"/>
    internal TimeZoneInfo ZoneOf(CompiledCampaign campaign) =>
        campaign.Source.Placements.Count > 0 && Placements.TryGetValue(campaign.Source.Placements[0], out var placement)
            ? placement.Site.TimeZone
            : TimeZoneInfo.Utc;

    internal string[] Labels { get; }

    /// <summary>Number of campaigns with a frequency cap.</summary>
    internal int CappedCampaigns { get; }

    /// <summary>Whether any campaign has a frequency cap (if none, viewer state need not be read).</summary>
    public bool HasFrequencyCaps { get; }

    /// <summary>Whether any active campaign is a roadblock (if none, a page is never decided twice).</summary>
    public bool HasRoadblocks { get; }
}
