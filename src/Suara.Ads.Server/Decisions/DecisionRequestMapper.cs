using Suara.Ads.Core.Catalog;
using Suara.Ads.Core.Devices;
using Suara.Ads.Core.Selection;
using Suara.Ads.Core.Targeting;
using Suara.Ads.Core.Utilities;

namespace Suara.Ads.Server.Decisions;

/// <summary>
/// Checks a decision request body against the contract's limits and turns it into the engine's
/// <see cref="DecisionRequest"/>, deriving country and region from the trusted headers and device, OS and browser from
/// the User-Agent. The body's own <c>country</c>, <c>region</c>, <c>device</c>, <c>os</c> and <c>browser</c> are checked
/// always but used only for a caller with a server (or admin) key: from anyone else they are ignored.
/// </summary>
internal static class DecisionRequestMapper
{
    public const int MaxBodyBytes = 64 * 1024;
    public const int MaxSlots = 20;
    public const int MaxKeywords = 50;
    public const int MaxKeyValues = 50;
    public const int MaxStringLength = 512;
    public const int MaxSlotSizes = 10;
    public const int MaxShown = 50;

    private static readonly string[] s_devices = ["desktop", "mobile", "tablet"];

    /// <summary>
    /// The request as the engine takes it, or <c>null</c> with <paramref name="errors"/> when the body is not a decision
    /// request (a page-level field out of bounds, no slots, too many, or not one valid slot). A slot that is not valid
    /// on its own (no id or placement, a size that is not one, key-values over the limits) is left out of the request
    /// and named in <paramref name="slotErrors"/> (key: its id, or <c>slots[i]</c> without a usable one): it spoils
    /// nothing else.
    /// </summary>
    /// <param name="body">The request body.</param>
    /// <param name="userAgent">The User-Agent, for device, OS and browser.</param>
    /// <param name="countryHeader">The trusted country header.</param>
    /// <param name="regionHeader">The trusted region header.</param>
    /// <param name="allowOverrides">The caller may say the viewer's country, region and device.</param>
    /// <param name="optedOut">The reader opted out of tracking (<c>Sec-GPC: 1</c>): <c>user.id</c> is checked but not used.</param>
    /// <param name="errors">Where what is wrong with the request as a whole is said.</param>
    /// <param name="slotErrors">Where the slots left out are named, with what is wrong with each.</param>
    public static DecisionRequest? Map(DecisionRequestBody body, string? userAgent, string? countryHeader, string? regionHeader, bool allowOverrides, bool optedOut, ValidationErrors errors, List<KeyValuePair<string, string>> slotErrors)
    {
        Text(body.Site, "site", errors, required: true);
        var valid = new List<(SlotBody Slot, Dictionary<string, string>? Kv)>(body.Slots?.Count ?? 0);
        if (body.Slots is null || body.Slots.Count == 0)
        {
            errors.Add("slots", "must list at least one slot");
        }
        else if (body.Slots.Count > MaxSlots)
        {
            errors.Add("slots", $"at most {MaxSlots} slots");
        }
        else
        {
            var problems = new ValidationErrors();
            for (var i = 0; i < body.Slots.Count; i++)
            {
                var before = problems.Count;
                var slot = body.Slots[i];
                Dictionary<string, string>? slotKv = null;
                if (slot is null)
                {
                    problems.Add($"slots[{i}]", "must be an object with id and placement");
                }
                else
                {
                    Text(slot.Id, problems, required: true, i, static i => $"slots[{i}].id");
                    Text(slot.Placement, problems, required: true, i, static i => $"slots[{i}].placement");
                    if (slot.Sizes is { Count: > MaxSlotSizes })
                    {
                        problems.Add($"slots[{i}].sizes", $"at most {MaxSlotSizes} sizes");
                    }
                    else if (slot.Sizes is { } sizes)
                    {
                        for (var j = 0; j < sizes.Count; j++)
                        {
                            if (!CreativeSize.TryParse(sizes[j], out _))
                            {
                                problems.Add($"slots[{i}].sizes[{j}]", "must be WIDTHxHEIGHT in pixels, e.g. '728x90'");
                            }
                        }
                    }

                    slotKv = slot.Kv is null ? null : KeyValues(slot.Kv, $"slots[{i}].kv", problems);
                }

                if (problems.Count == before)
                {
                    valid.Add((slot!, slotKv));
                    continue;
                }

                var key = slot?.Id is { Length: > 0 and <= MaxStringLength } id ? id : $"slots[{i}]";
                var messages = problems.ToDictionary().Where(p => p.Key.StartsWith($"slots[{i}]", StringComparison.Ordinal)).SelectMany(p => p.Value.Select(m => $"{p.Key}: {m}"));
                slotErrors.Add(new(key, string.Join("; ", messages)));
            }

            if (valid.Count == 0)
            {
                foreach (var (field, messages) in problems.ToDictionary())
                {
                    foreach (var message in messages)
                    {
                        errors.Add(field, message);
                    }
                }
            }
        }

        var page = body.Page ?? new PageBody();
        Text(page.Url, "page.url", errors);
        Text(page.Section, "page.section", errors);
        Text(page.Language, "page.language", errors);
        Text(page.Referrer, "page.referrer", errors);
        Text(body.User?.Id, "user.id", errors);
        Text(body.Region, "region", errors);
        Text(body.Os, "os", errors);
        Text(body.Browser, "browser", errors);

        var keywords = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (page.Keywords is { } list)
        {
            if (list.Count > MaxKeywords)
            {
                errors.Add("page.keywords", $"at most {MaxKeywords} keywords");
            }
            else
            {
                for (var i = 0; i < list.Count; i++)
                {
                    if (Text(list[i], errors, required: true, i, static i => $"page.keywords[{i}]"))
                    {
                        keywords.Add(list[i]!);
                    }
                }
            }
        }

        var kv = KeyValues(body.Kv, "kv", errors) ?? new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string[]? shown = null;
        if (page.Shown is { } seen)
        {
            if (seen.Count > MaxShown)
            {
                errors.Add("page.shown", $"at most {MaxShown} campaigns");
            }
            else
            {
                shown = new string[seen.Count];
                for (var i = 0; i < seen.Count; i++)
                {
                    shown[i] = Text(seen[i], errors, required: true, i, static i => $"page.shown[{i}]") ? seen[i]! : "";
                }
            }
        }

        if (body.Country is { } country && !IsCountryCode(country))
        {
            errors.Add("country", "must be an ISO 3166-1 alpha-2 code such as 'MY'");
        }

        if (body.Device is { } device && !s_devices.Contains(device, StringComparer.OrdinalIgnoreCase))
        {
            errors.Add("device", "must be one of: desktop, mobile, tablet");
        }

        if (!errors.IsEmpty)
        {
            return null;
        }

        var agent = UserAgentClassifier.Classify(userAgent);
        if (!allowOverrides)
        {
            body = body with { Country = null, Region = null, Device = null, Os = null, Browser = null };
        }

        var context = new TargetingContext
        {
            Country = (body.Country ?? (countryHeader is { } h && IsCountryCode(h) && !IsUnknownCountry(h) ? h : "")).ToUpperInvariant(),
            Region = body.Region ?? (regionHeader is { Length: > 0 and <= 64 } r ? r : ""),
            Device = body.Device?.ToLowerInvariant() ?? agent.Device,
            Os = body.Os ?? agent.Os,
            Browser = body.Browser ?? agent.Browser,
            Language = page.Language ?? "",
            Section = page.Section ?? "",
            Url = page.Url ?? "",
            Path = PathOf(page.Url),
            Referrer = HostOf(page.Referrer),
            Keywords = keywords,
            Kv = kv,
        };

        return new DecisionRequest
        {
            Site = body.Site!,
            Slots = valid.Select(v => new SlotRequest(v.Slot.Id!, v.Slot.Placement!, v.Slot.Sizes?.Select(Size).ToArray()) { Kv = Over(kv, v.Kv) }).ToArray(),
            Shown = shown,
            UserId = !optedOut && body.User?.Id is { Length: > 0 } user ? user : null,
            Context = context,
            FromBot = agent.IsBot,
        };
    }

    /// <summary>The page's key-values with a slot's over them (a slot's value wins); <c>null</c> when the slot has none.</summary>
    private static Dictionary<string, string>? Over(Dictionary<string, string> page, Dictionary<string, string>? slot)
    {
        if (slot is not { Count: > 0 })
        {
            return null;
        }

        var merged = new Dictionary<string, string>(page, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in slot)
        {
            merged[key] = value;
        }

        return merged;
    }

    /// <summary>Key-values checked against the limits (at most 50; keys of 1 to 64 characters; values of at most 512).</summary>
    private static Dictionary<string, string>? KeyValues(IReadOnlyDictionary<string, string?>? pairs, string field, ValidationErrors errors)
    {
        if (pairs is null)
        {
            return null;
        }

        if (pairs.Count > MaxKeyValues)
        {
            errors.Add(field, $"at most {MaxKeyValues} key-values");
            return null;
        }

        var kv = new Dictionary<string, string>(pairs.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in pairs)
        {
            if (key.Length is 0 or > 64)
            {
                errors.Add(field, "keys must have 1 to 64 characters");
            }
            else if (Text(value, errors, required: false, (field, key), static f => $"{f.field}.{f.key}"))
            {
                kv[key] = value ?? "";
            }
        }

        return kv;
    }

    private static CreativeSize Size(string? text)
    {
        CreativeSize.TryParse(text, out var size);
        return size;
    }

    private static bool Text(string? value, string field, ValidationErrors errors, bool required = false) =>
        Text(value, errors, required, field, static f => f);

    /// <summary>
    /// Whether <paramref name="value"/> is given and within the length limit; if not, what is wrong is added under the
    /// field <paramref name="field"/> names, made only then (a valid request makes no field names).
    /// </summary>
    private static bool Text<TState>(string? value, ValidationErrors errors, bool required, TState state, Func<TState, string> field)
    {
        if (value is null || (required && value.Length == 0))
        {
            if (required)
            {
                errors.Add(field(state), "is required");
            }

            return false;
        }

        if (value.Length > MaxStringLength)
        {
            errors.Add(field(state), $"at most {MaxStringLength} characters");
            return false;
        }

        return true;
    }

    private static bool IsCountryCode(string value) => value.Length == 2 && char.IsAsciiLetter(value[0]) && char.IsAsciiLetter(value[1]);

    // Cloudflare sends XX for unknown and T1 for Tor; neither is a country.
    private static bool IsUnknownCountry(string value) => value.Equals("XX", StringComparison.OrdinalIgnoreCase);

    // A site's pages and referrers repeat from request to request; parsing each with Uri was a tenth of what a request
    // allocated. The most recent 4,096 of each (up to the 512 characters a request may send) are remembered.
    private static readonly BoundedMemo<string> s_paths = new(ParsePath, 4_096, MaxStringLength);
    private static readonly BoundedMemo<string> s_hosts = new(ParseHost, 4_096, MaxStringLength);

    private static string PathOf(string? url) => url is null ? "" : s_paths.Get(url);

    private static string HostOf(string? url) => url is null ? "" : s_hosts.Get(url);

    private static string ParsePath(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.AbsolutePath : url.StartsWith('/') ? url.Split('?', '#')[0] : "";

    private static string ParseHost(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.Host : url.Contains('/', StringComparison.Ordinal) ? "" : url;
}
