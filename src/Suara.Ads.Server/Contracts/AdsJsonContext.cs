using System.Text.Json.Serialization;
using Suara.Ads.Core.Catalog;

namespace Suara.Ads.Server.Contracts;

/// <summary>Source-generated JSON for every type the server reads or writes.</summary>
[JsonSourceGenerationOptions(
    System.Text.Json.JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowTrailingCommas = false,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Disallow,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(DecisionRequestBody))]
[JsonSerializable(typeof(DecisionResponse))]
[JsonSerializable(typeof(CatalogDocument))]
[JsonSerializable(typeof(Site))]
[JsonSerializable(typeof(Placement))]
[JsonSerializable(typeof(Advertiser))]
[JsonSerializable(typeof(Campaign))]
[JsonSerializable(typeof(Suara.Ads.Server.Catalog.AuditEntry))]
[JsonSerializable(typeof(Page<Site>))]
[JsonSerializable(typeof(Page<Placement>))]
[JsonSerializable(typeof(Page<Advertiser>))]
[JsonSerializable(typeof(Page<Campaign>))]
[JsonSerializable(typeof(Advertiser))]
[JsonSerializable(typeof(ReportKeyResponse))]
[JsonSerializable(typeof(AdvertiserCreatedResponse))]
[JsonSerializable(typeof(TargetingValidateRequest))]
[JsonSerializable(typeof(TargetingValidateResponse))]
[JsonSerializable(typeof(AuditResponse))]
[JsonSerializable(typeof(CampaignReport))]
[JsonSerializable(typeof(AdvertiserReport))]
[JsonSerializable(typeof(HealthResponse))]
internal sealed partial class AdsJsonContext : JsonSerializerContext;
