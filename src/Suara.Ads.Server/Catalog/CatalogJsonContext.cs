using System.Text.Json;
using System.Text.Json.Serialization;
using Suara.Ads.Core.Catalog;

namespace Suara.Ads.Server.Catalog;

/// <summary>Source-generated JSON of the catalog: the stored entities, the admin API's requests and answers, the audit.</summary>
/// <remarks>Every flow's context uses the same options: web defaults, strict numbers, no comments or trailing commas.</remarks>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(CatalogDocument))]
[JsonSerializable(typeof(Site))]
[JsonSerializable(typeof(Placement))]
[JsonSerializable(typeof(Advertiser))]
[JsonSerializable(typeof(Campaign))]
[JsonSerializable(typeof(AuditEntry))]
[JsonSerializable(typeof(Page<Site>))]
[JsonSerializable(typeof(Page<Placement>))]
[JsonSerializable(typeof(Page<Advertiser>))]
[JsonSerializable(typeof(Page<Campaign>))]
[JsonSerializable(typeof(ReportKeyResponse))]
[JsonSerializable(typeof(AdvertiserCreatedResponse))]
[JsonSerializable(typeof(TargetingValidateRequest))]
[JsonSerializable(typeof(TargetingValidateResponse))]
[JsonSerializable(typeof(AuditResponse))]
[JsonSerializable(typeof(CatalogVersionResponse))]
[JsonSerializable(typeof(NamedKey))]
[JsonSerializable(typeof(AssetResponse))]
[JsonSerializable(typeof(WhoAmIResponse))]
[JsonSerializable(typeof(System.Text.Json.Nodes.JsonObject))]
[JsonSerializable(typeof(NamedKeyRequest))]
[JsonSerializable(typeof(NamedKeyResponse))]
[JsonSerializable(typeof(NamedKeyList))]
internal sealed partial class CatalogJsonContext : JsonSerializerContext;
