namespace Suara.Ads.Core.Snapshot;

/// <summary>A campaign as a candidate in one placement, with the creatives that fit that placement.</summary>
internal sealed class PlacementEntry
{
    public PlacementEntry(CompiledCampaign campaign, CompiledCreative[] fitting)
    {
        Campaign = campaign;
        Fitting = fitting;
    }

    public CompiledCampaign Campaign { get; }

    /// <summary>The campaign's creatives that fit the placement by size and format; may be empty.</summary>
    public CompiledCreative[] Fitting { get; }
}
