using Suara.Ads.Core.Catalog;

namespace Suara.Ads.Core.Snapshot;

/// <summary>A creative as the engine uses it.</summary>
internal sealed class CompiledCreative
{
    public CompiledCreative(int index, CompiledCampaign campaign, Creative source)
    {
        Index = index;
        Campaign = campaign;
        Source = source;
        CatalogNames.TryParseFormat(source.Format, out var format);
        Format = format;
        CreativeSize.TryParse(source.Size, out var size);
        Size = size;
    }

    /// <summary>Identifies the creative on a page: unique within a snapshot (<see cref="CatalogSnapshot.NextCreativeIndex"/>).</summary>
    public int Index { get; }

    public CompiledCampaign Campaign { get; }

    public Creative Source { get; }

    public string Id => Source.Id;

    public CreativeFormat Format { get; }

    public CreativeSize Size { get; }

    public int Weight => Source.Weight;
}
