using System.Text.Json.Nodes;

namespace Suara.Ads.Server.Catalog;

/// <summary>
/// The field-by-field difference of two versions of an entity's JSON: every leaf (a value that is not an object or an
/// array; an empty object or array counts as one) whose value differs, by its path.
/// </summary>
internal static class AuditDiff
{
    /// <summary>Most changes one entry lists (a new campaign with many creatives is summed up by its first ones).</summary>
    public const int MaxChanges = 200;

    public static IReadOnlyList<AuditChange> Of(string? before, string? after)
    {
        var from = Leaves(before);
        var to = Leaves(after);
        var changes = new List<AuditChange>();
        foreach (var path in from.Keys.Union(to.Keys).Order(StringComparer.Ordinal))
        {
            var old = from.GetValueOrDefault(path);
            var now = to.GetValueOrDefault(path);
            if (!JsonNode.DeepEquals(old, now))
            {
                changes.Add(new AuditChange { Path = path, From = old?.DeepClone(), To = now?.DeepClone() });
                if (changes.Count == MaxChanges)
                {
                    break;
                }
            }
        }

        return changes;
    }

    private static Dictionary<string, JsonNode?> Leaves(string? json)
    {
        var leaves = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        if (json is not null)
        {
            Walk(JsonNode.Parse(json), "", leaves);
        }

        return leaves;
    }

    private static void Walk(JsonNode? node, string path, Dictionary<string, JsonNode?> leaves)
    {
        switch (node)
        {
            case JsonObject obj when obj.Count > 0:
                foreach (var (name, value) in obj)
                {
                    Walk(value, path.Length == 0 ? name : $"{path}.{name}", leaves);
                }

                break;
            case JsonArray array when array.Count > 0:
                for (var i = 0; i < array.Count; i++)
                {
                    Walk(array[i], $"{path}[{i}]", leaves);
                }

                break;
            default:
                if (path.Length > 0 && path != "id")
                {
                    leaves[path] = node;
                }

                break;
        }
    }
}
