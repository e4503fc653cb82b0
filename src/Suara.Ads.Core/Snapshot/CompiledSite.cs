using Suara.Ads.Core.Catalog;

namespace Suara.Ads.Core.Snapshot;

/// <summary>A site as the engine uses it.</summary>
internal sealed class CompiledSite
{
    public CompiledSite(Site source)
    {
        Source = source;
        TimeZone = TimeZoneInfo.FindSystemTimeZoneById(source.TimeZone);
    }

    public Site Source { get; }

    public string Id => Source.Id;

    public TimeZoneInfo TimeZone { get; }
}
