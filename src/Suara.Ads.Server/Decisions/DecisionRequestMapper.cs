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

    private static readonly string[] s_devices = ["desktop", "mobile", "tablet"];

    /// <param name="body">The request body.</param>
    /// <param name="userAgent">The User-Agent, for device, OS and browser.</param>
    /// <param name="countryHeader">The trusted country header.</param>
    /// <param name="regionHeader">The trusted region header.</param>
    /// <param name="allowOverrides">The caller may say the viewer's country, region and device.</param>
    /// <param name="optedOut">The reader opted out of tracking (<c>Sec-GPC: 1</c>): <c>user.id</c> is checked but not used.</param>
    /// <param name="errors">Where what is wrong is said.</param>
    public static DecisionRequest? Map(DecisionRequestBody body, string? userAgent, string? countryHeader, string? regionHeader, bool allowOverrides, bool optedOut, ValidationErrors errors)
    {
        Text(body.Site, "site", errors, required: true);
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
            for (var i = 0; i < body.Slots.Count; i++)
            {
                if (body.Slots[i] is not { } slot)
                {
                    errors.Add($"slots[{i}]", "must be an object with id and placement");
                    continue;
                }

                Text(slot.Id, $"slots[{i}].id", errors, required: true);
                Text(slot.Placement, $"slots[{i}].placement", errors, required: true);
                if (slot.Sizes is { Count: > MaxSlotSizes })
                {
                    errors.Add($"slots[{i}].sizes", $"at most {MaxSlotSizes} sizes");
                }
                else if (slot.Sizes is { } sizes)
                {
                    for (var j = 0; j < sizes.Count; j++)
                    {
                        if (!CreativeSize.TryParse(sizes[j], out _))
                        {
                            errors.Add($"slots[{i}].sizes[{j}]", "must be WIDTHxHEIGHT in pixels, e.g. '728x90'");
                        }
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
                    if (Text(list[i], $"page.keywords[{i}]", errors, required: true))
                    {
                        keywords.Add(list[i]!);
                    }
                }
            }
        }

        var kv = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (body.Kv is { } pairs)
        {
            if (pairs.Count > MaxKeyValues)
            {
                errors.Add("kv", $"at most {MaxKeyValues} key-values");
            }
            else
            {
                foreach (var (key, value) in pairs)
                {
                    if (key.Length is 0 or > 64)
                    {
                        errors.Add("kv", "keys must have 1 to 64 characters");
                    }
                    else if (Text(value, $"kv.{key}", errors))
                    {
                        kv[key] = value ?? "";
                    }
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
            Slots = body.Slots!.Select(s => new SlotRequest(s!.Id!, s.Placement!, s.Sizes?.Select(Size).ToArray())).ToArray(),
            UserId = !optedOut && body.User?.Id is { Length: > 0 } user ? user : null,
            Context = context,
            FromBot = agent.IsBot,
        };
    }

    private static CreativeSize Size(string? text)
    {
        CreativeSize.TryParse(text, out var size);
        return size;
    }

    private static bool Text(string? value, string field, ValidationErrors errors, bool required = false)
    {
        if (value is null || (required && value.Length == 0))
        {
            if (required)
            {
                errors.Add(field, "is required");
            }

            return false;
        }

        if (value.Length > MaxStringLength)
        {
            errors.Add(field, $"at most {MaxStringLength} characters");
            return false;
        }

        return true;
    }

    private static bool IsCountryCode(string value) => value.Length == 2 && char.IsAsciiLetter(value[0]) && char.IsAsciiLetter(value[1]);

    // Cloudflare sends XX for unknown and T1 for Tor; neither is a country.
    private static bool IsUnknownCountry(string value) => value.Equals("XX", StringComparison.OrdinalIgnoreCase);

    private static string PathOf(string? url) =>
        url is null ? "" : Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.AbsolutePath : url.StartsWith('/') ? url.Split('?', '#')[0] : "";

    private static string HostOf(string? url) =>
        url is null ? "" : Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.Host : url.Contains('/', StringComparison.Ordinal) ? "" : url;
}
