using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Suara.Ads.Core.Utilities;

namespace Suara.Ads.Server.Hosting;

/// <summary>
/// Finds the fields of a JSON body that its type does not know, at any depth (a misspelt <c>"targetting"</c> or
/// <c>"frequencyCapp"</c> would otherwise be dropped without a word, and the campaign serve to everyone). Each is named
/// by its path, so one answer lists them all. Names match as the serializer matches them (case-insensitively).
/// </summary>
internal static class JsonFields
{
    private const int MaxDepth = 64;

    public static void FindUnknown(JsonElement element, JsonTypeInfo type, string path, ValidationErrors errors, int depth = 0)
    {
        if (depth > MaxDepth)
        {
            return;
        }

        switch (type.Kind)
        {
            case JsonTypeInfoKind.Object when element.ValueKind == JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    var known = type.Properties.FirstOrDefault(p => string.Equals(p.Name, property.Name, StringComparison.OrdinalIgnoreCase));
                    var at = path.Length == 0 ? property.Name : $"{path}.{property.Name}";
                    if (known is null)
                    {
                        errors.Add(at, "is not a field the API knows (misspelt?): nothing was stored");
                    }
                    else if (property.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
                    {
                        FindUnknown(property.Value, type.Options.GetTypeInfo(known.PropertyType), at, errors, depth + 1);
                    }
                }

                break;

            case JsonTypeInfoKind.Enumerable when element.ValueKind == JsonValueKind.Array && type.ElementType is { } itemType:
                var itemInfo = type.Options.GetTypeInfo(itemType);
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    FindUnknown(item, itemInfo, $"{path}[{index++}]", errors, depth + 1);
                }

                break;
        }
    }
}
