using System.Text.Encodings.Web;
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
    /// <summary>
    /// The decision response as written: the same options, with only the characters JSON itself requires escaped. The
    /// default encoder also escapes HTML's <c>&lt;</c>, <c>&gt;</c>, <c>&amp;</c> and <c>'</c> (for JSON pasted into an HTML
    /// page), which a response read by <c>JSON.parse</c> does not need, and every creative's markup is full of them: the
    /// escaping was the largest single cost of writing a response.
    /// </summary>
    public static JsonTypeInfo<DecisionResponse> Response { get; } = new DecisionsJsonContext(new JsonSerializerOptions(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.Strict,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    }).DecisionResponse;
}
