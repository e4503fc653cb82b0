using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Suara.Ads.Server.Hosting;

/// <summary>Source-generated JSON of the operations endpoints (the same options as every flow's context).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(JsonObject))]
internal sealed partial class HostingJsonContext : JsonSerializerContext;
