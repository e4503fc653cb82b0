namespace Suara.Ads.Core.Targeting.Syntax;

/// <summary>Field names of the language and what kind of value each field holds.</summary>
internal static class TargetingFields
{
    /// <summary>The valid field names, for error messages.</summary>
    public const string ValidNames =
        "country, region, device, os, browser, language, site, placement, section, url, path, referrer, keywords, hour, weekday, kv.NAME";

    private const string KvPrefix = "kv.";

    private static readonly (string Name, TargetingField Field)[] s_names =
    [
        ("country", TargetingField.Country),
        ("region", TargetingField.Region),
        ("device", TargetingField.Device),
        ("os", TargetingField.Os),
        ("browser", TargetingField.Browser),
        ("language", TargetingField.Language),
        ("site", TargetingField.Site),
        ("placement", TargetingField.Placement),
        ("section", TargetingField.Section),
        ("url", TargetingField.Url),
        ("path", TargetingField.Path),
        ("referrer", TargetingField.Referrer),
        ("keywords", TargetingField.Keywords),
        ("hour", TargetingField.Hour),
        ("weekday", TargetingField.Weekday),
    ];

    /// <summary>The field names (without <c>kv.NAME</c>).</summary>
    public static IEnumerable<string> Names => s_names.Select(n => n.Name);

    /// <summary>The device values a rule may name.</summary>
    public static readonly string[] Devices = ["desktop", "mobile", "tablet"];

    /// <summary>The weekday names, Monday first (the order used by &lt;, &gt; and between).</summary>
    public static readonly string[] Weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

    /// <summary>Resolves a field name (case-insensitive); <paramref name="kvName"/> is set for <c>kv.NAME</c>.</summary>
    public static bool TryResolve(string name, out TargetingField field, out string? kvName)
    {
        kvName = null;
        foreach (var (candidate, value) in s_names)
        {
            if (string.Equals(name, candidate, StringComparison.OrdinalIgnoreCase))
            {
                field = value;
                return true;
            }
        }

        field = TargetingField.Kv;
        if (name.Length > KvPrefix.Length && name.StartsWith(KvPrefix, StringComparison.OrdinalIgnoreCase))
        {
            string key = name[KvPrefix.Length..];
            foreach (char c in key)
            {
                if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
                {
                    return false;
                }
            }

            kvName = key;
            return true;
        }

        return false;
    }

    /// <summary>The canonical spelling of a field name (lower case; <c>kv.</c> plus the key as written).</summary>
    public static string Canonical(string name)
    {
        if (!TryResolve(name, out var field, out string? kvName))
        {
            return name;
        }

        return field == TargetingField.Kv ? KvPrefix + kvName : NameOf(field);
    }

    /// <summary>The language name of a non-kv field.</summary>
    public static string NameOf(TargetingField field)
    {
        foreach (var (candidate, value) in s_names)
        {
            if (value == field)
            {
                return candidate;
            }
        }

        return "kv";
    }

    /// <summary>Whether <paramref name="field"/> holds a plain string (not keywords, hour, weekday or kv).</summary>
    public static bool IsString(TargetingField field) => field <= TargetingField.Referrer;

    /// <summary>Whether an index may use <c>==</c>/<c>in</c> constraints on <paramref name="field"/>.</summary>
    public static bool IsIndexable(TargetingField field) => field <= TargetingField.Section;

    /// <summary>The 0-based weekday index (mon = 0 … sun = 6) of a name, or -1.</summary>
    public static int WeekdayIndex(string name)
    {
        for (int i = 0; i < Weekdays.Length; i++)
        {
            if (string.Equals(name, Weekdays[i], StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The 0-based weekday index (mon = 0 … sun = 6) of a <see cref="DayOfWeek"/>.</summary>
    public static int WeekdayIndex(DayOfWeek day) => ((int)day + 6) % 7;
}
