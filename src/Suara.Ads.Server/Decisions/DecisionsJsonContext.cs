using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Suara.Ads.Server.Decisions;

/// <summary>Source-generated JSON of <c>POST /v1/decisions</c> (the same options as every flow's context).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(DecisionRequestBody))]
[JsonSerializable(typeof(DecisionResponse))]
internal sealed partial class DecisionsJsonContext : JsonSerializerContext
{
    /// <summary>The decision response as written (<see cref="Hosting.JsonWire"/>).</summary>
    public static JsonTypeInfo<DecisionResponse> Response { get; } = new DecisionsJsonContext(Hosting.JsonWire.Options()).DecisionResponse;
}
