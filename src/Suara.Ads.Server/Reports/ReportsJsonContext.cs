using System.Text.Json;
using System.Text.Json.Serialization;

namespace Suara.Ads.Server.Reports;

/// <summary>Source-generated JSON of the reports (the same options as every flow's context).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(CampaignReport))]
[JsonSerializable(typeof(AdvertiserReport))]
[JsonSerializable(typeof(SiteReport))]
internal sealed partial class ReportsJsonContext : JsonSerializerContext
{
    /// <summary>The reports as written (<see cref="Hosting.JsonWire"/>).</summary>
    public static ReportsJsonContext Written { get; } = new(Hosting.JsonWire.Options());
}
