using Suara.Ads.Core.Catalog;
using Suara.Ads.Core.Utilities;

namespace Suara.Ads.Core.Snapshot;

/// <summary>A placement with its candidate index.</summary>
internal sealed class CompiledPlacement
{
    public CompiledPlacement(Placement source, CompiledSite site, TierIndex[] tiers, ChunkedList<PlacementEntry> all, PlacementEntry[]? roadblocks = null)
    {
        Source = source;
        Site = site;
        Tiers = tiers;
        All = all;
        Roadblocks = roadblocks ?? [.. all.Where(e => e.Campaign.Roadblock)];
        Sizes = [.. source.Sizes.Select(text => CreativeSize.TryParse(text, out var size) ? size : default)];
    }

    public Placement Source { get; }

    public string Id => Source.Id;

    public CompiledSite Site { get; }

    /// <summary>Serving candidates (active, with at least one fitting creative) by <see cref="PriorityTier"/>.</summary>
    public TierIndex[] Tiers { get; }

    /// <summary>
    /// Every campaign that lists the placement, whatever its state, in id order: the explain view. In chunks, so that
    /// a change shares all but the changed campaigns' chunk (some 17k entries each at 100k campaigns).
    /// </summary>
    public ChunkedList<PlacementEntry> All { get; }

    /// <summary>The entries of <see cref="All"/> that are roadblocks (usually none): found without a scan of all.</summary>
    public PlacementEntry[] Roadblocks { get; }

    /// <summary>The placement's sizes, parsed once.</summary>
    public CreativeSize[] Sizes { get; }

    /// <summary>Whether the placement takes creatives of <paramref name="size"/>.</summary>
    public bool Offers(CreativeSize size) => Array.IndexOf(Sizes, size) >= 0;
}
