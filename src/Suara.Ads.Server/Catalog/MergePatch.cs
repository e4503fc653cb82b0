using System.Text.Json.Nodes;

namespace Suara.Ads.Server.Catalog;

/// <summary>JSON merge patch (RFC 7396): members of the patch replace the target's, <c>null</c> removes one, objects merge, anything else (arrays included) replaces whole.</summary>
internal static class MergePatch
{
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject members)
        {
            return patch?.DeepClone();
        }

        var result = target is JsonObject existing ? (JsonObject)existing.DeepClone() : [];
        foreach (var (name, value) in members)
        {
            // Names match as the serializer reads them (case-insensitively), so "Goal" patches "goal".
            var stored = result.Select(p => p.Key).FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase)) ?? name;
            if (value is null)
            {
                result.Remove(stored);
                continue;
            }

            var merged = Apply(result[stored], value);
            result.Remove(stored);
            result[stored] = merged;
        }

        return result;
    }
}
