using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Suara.Ads.Server.Hosting;

/// <summary>
/// The options of large JSON bodies as written (a decision's creative markup, a long report): those of every flow's
/// source-generated context, escaping only what JSON itself requires. The default encoder also escapes HTML's
/// <c>&lt;</c>, <c>&gt;</c>, <c>&amp;</c>, <c>'</c> and <c>+</c> (for JSON pasted into an HTML page), which a body served as
/// <c>application/json</c> and read by <c>JSON.parse</c> does not need: in creative markup and report times the escaping
/// was one of the largest costs of writing the body.
/// </summary>
internal static class JsonWire
{
    /// <summary>New options, for one context to own.</summary>
    public static JsonSerializerOptions Options() => new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.Strict,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
