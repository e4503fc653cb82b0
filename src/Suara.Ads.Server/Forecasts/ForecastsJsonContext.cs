using System.Text.Json;
using System.Text.Json.Serialization;

namespace Suara.Ads.Server.Forecasts;

/// <summary>Source-generated JSON of the forecasts API (the same options as every flow's context).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(ForecastRequest))]
[JsonSerializable(typeof(ForecastResponse))]
internal sealed partial class ForecastsJsonContext : JsonSerializerContext;
