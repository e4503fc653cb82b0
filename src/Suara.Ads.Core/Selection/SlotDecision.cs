using Suara.Ads.Core.Catalog;
using Suara.Ads.Core.Snapshot;

namespace Suara.Ads.Core.Selection;

/// <summary>The creative chosen for one slot.</summary>
public sealed class SlotDecision
{
    internal SlotDecision(string slotId, CompiledPlacement placement, CompiledCreative creative)
    {
        SlotId = slotId;
        CompiledPlacement = placement;
        CompiledCreative = creative;
    }

    /// <summary>The slot.</summary>
    public string SlotId { get; }

    /// <summary>The placement id.</summary>
    public string PlacementId => CompiledPlacement.Id;

    /// <summary>The site id.</summary>
    public string SiteId => CompiledPlacement.Site.Id;

    /// <summary>The campaign.</summary>
    public Campaign Campaign => CompiledCreative.Campaign.Source;

    /// <summary>The creative.</summary>
    public Creative Creative => CompiledCreative.Source;

    /// <summary>The creative's format.</summary>
    public CreativeFormat Format => CompiledCreative.Format;

    /// <summary>The creative's size.</summary>
    public CreativeSize Size => CompiledCreative.Size;

    internal CompiledPlacement CompiledPlacement { get; }

    internal CompiledCreative CompiledCreative { get; }
}
