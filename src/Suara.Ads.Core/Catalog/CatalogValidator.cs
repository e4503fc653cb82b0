using Suara.Ads.Core.Billing;
using Suara.Ads.Core.Targeting;
using Suara.Ads.Core.Utilities;

namespace Suara.Ads.Core.Catalog;

/// <summary>
/// Validates catalog entities and whole documents, reporting every problem against its field path
/// (e.g. <c>campaigns[3].creatives[0].clickUrl</c>).
/// </summary>
public static class CatalogValidator
{
    /// <summary>Longest name.</summary>
    public const int MaxNameLength = 200;

    /// <summary>Longest URL.</summary>
    public const int MaxUrlLength = 2048;

    /// <summary>Most creatives a campaign may have.</summary>
    public const int MaxCreatives = 100;

    /// <summary>Most placements a campaign may list.</summary>
    public const int MaxCampaignPlacements = 500;

    /// <summary>Most exclusion labels a campaign may have.</summary>
    public const int MaxLabels = 20;

    /// <summary>Largest html creative, in characters.</summary>
    public const int MaxHtmlLength = 64 * 1024;

    /// <summary>Largest weight.</summary>
    public const int MaxWeight = 1_000_000;

    /// <summary>Validates a site.</summary>
    public static void ValidateSite(Site site, string prefix, ValidationErrors errors)
    {
        ValidateId(site.Id, prefix, errors);
        ValidateName(site.Name, prefix, "name", errors);
        if (site.Domains is null)
        {
            errors.Add(prefix + "domains", "must be an array of host names");
        }
        else
        {
            if (site.Domains.Count > 50)
            {
                errors.Add(prefix + "domains", "at most 50 domains");
            }

            for (var i = 0; i < site.Domains.Count; i++)
            {
                var d = site.Domains[i];
                if (string.IsNullOrWhiteSpace(d) || d.Length > 253 || Uri.CheckHostName(d) == UriHostNameType.Unknown)
                {
                    errors.Add($"{prefix}domains[{i}]", "must be a host name such as 'suara.example'");
                }
            }
        }

        if (string.IsNullOrEmpty(site.TimeZone) || !TimeZoneInfo.TryFindSystemTimeZoneById(site.TimeZone, out _))
        {
            errors.Add(prefix + "timeZone", "must be an IANA time zone such as 'Asia/Kuala_Lumpur'");
        }
    }

    /// <summary>Validates a placement; <paramref name="siteExists"/> tells whether a site id is known.</summary>
    public static void ValidatePlacement(Placement placement, string prefix, ValidationErrors errors, Func<string, bool> siteExists)
    {
        ValidateId(placement.Id, prefix, errors);
        ValidateName(placement.Name, prefix, "name", errors);
        if (string.IsNullOrEmpty(placement.Site))
        {
            errors.Add(prefix + "site", "is required");
        }
        else if (!siteExists(placement.Site))
        {
            errors.Add(prefix + "site", $"unknown site '{placement.Site}'");
        }

        if (placement.Sizes is null || placement.Sizes.Count == 0)
        {
            errors.Add(prefix + "sizes", "must list at least one size such as '728x90'");
        }
        else
        {
            for (var i = 0; i < placement.Sizes.Count; i++)
            {
                if (!CreativeSize.TryParse(placement.Sizes[i], out _))
                {
                    errors.Add($"{prefix}sizes[{i}]", "must be WIDTHxHEIGHT in pixels, e.g. '300x250'");
                }
            }
        }

        if (placement.Formats is null || placement.Formats.Count == 0)
        {
            errors.Add(prefix + "formats", "must list at least one of: image, html, text");
        }
        else
        {
            for (var i = 0; i < placement.Formats.Count; i++)
            {
                if (!CatalogNames.TryParseFormat(placement.Formats[i], out _))
                {
                    errors.Add($"{prefix}formats[{i}]", "must be one of: image, html, text");
                }
            }
        }
    }

    /// <summary>Validates an advertiser.</summary>
    public static void ValidateAdvertiser(Advertiser advertiser, string prefix, ValidationErrors errors)
    {
        ValidateId(advertiser.Id, prefix, errors);
        ValidateName(advertiser.Name, prefix, "name", errors);
    }

    /// <summary>
    /// Validates a campaign against the advertisers and placements it refers to.
    /// </summary>
    /// <returns>The compiled targeting rule when the targeting is valid (<see cref="TargetingRule.Everyone"/> when absent), else <c>null</c>.</returns>
    public static TargetingRule? ValidateCampaign(
        Campaign campaign,
        string prefix,
        ValidationErrors errors,
        Func<string, bool> advertiserExists,
        Func<string, Placement?> findPlacement)
    {
        ValidateId(campaign.Id, prefix, errors);
        ValidateName(campaign.Name, prefix, "name", errors);

        if (string.IsNullOrEmpty(campaign.AdvertiserId))
        {
            errors.Add(prefix + "advertiserId", "is required");
        }
        else if (!advertiserExists(campaign.AdvertiserId))
        {
            errors.Add(prefix + "advertiserId", $"unknown advertiser '{campaign.AdvertiserId}'");
        }

        OneOf(campaign.Status, CatalogNames.Statuses, prefix, "status", errors);
        OneOf(campaign.Priority, CatalogNames.Priorities, prefix, "priority", errors);
        OneOf(campaign.Pacing, CatalogNames.Pacings, prefix, "pacing", errors);

        if (campaign.Start is { } start && campaign.End is { } end && end <= start)
        {
            errors.Add(prefix + "end", "must be after start");
        }

        if (campaign.Weight is < 1 or > MaxWeight)
        {
            errors.Add(prefix + "weight", $"must be between 1 and {MaxWeight}");
        }

        ValidateRate(campaign, prefix, errors);
        if (campaign.Goal is { } goal)
        {
            ValidateGoal(campaign, goal, prefix, errors);
        }

        if (campaign.FrequencyCap is { } cap)
        {
            if (cap.Impressions is < 1 or > 1_000_000)
            {
                errors.Add(prefix + "frequencyCap.impressions", "must be between 1 and 1000000");
            }

            OneOf(cap.Per, CatalogNames.CapPeriods, prefix, "frequencyCap.per", errors);
        }

        if (campaign.ExclusionLabels is null)
        {
            errors.Add(prefix + "exclusionLabels", "must be an array");
        }
        else
        {
            if (campaign.ExclusionLabels.Count > MaxLabels)
            {
                errors.Add(prefix + "exclusionLabels", $"at most {MaxLabels} labels");
            }

            for (var i = 0; i < campaign.ExclusionLabels.Count; i++)
            {
                if (!Ids.IsValid(campaign.ExclusionLabels[i]))
                {
                    errors.Add($"{prefix}exclusionLabels[{i}]", Ids.Rule);
                }
            }
        }

        var placements = new List<Placement>();
        if (campaign.Placements is null || campaign.Placements.Count == 0)
        {
            errors.Add(prefix + "placements", "must list at least one placement");
        }
        else if (campaign.Placements.Count > MaxCampaignPlacements)
        {
            errors.Add(prefix + "placements", $"at most {MaxCampaignPlacements} placements");
        }
        else
        {
            var seen = campaign.Placements.Count > SmallList ? new HashSet<string>(StringComparer.Ordinal) : null;
            for (var i = 0; i < campaign.Placements.Count; i++)
            {
                var id = campaign.Placements[i];
                if (seen is null ? IsRepeat(campaign.Placements, i, p => p ?? "") : !seen.Add(id ?? ""))
                {
                    errors.Add($"{prefix}placements[{i}]", $"'{id}' is listed twice");
                }
                else if (id is null || findPlacement(id) is not { } p)
                {
                    errors.Add($"{prefix}placements[{i}]", $"unknown placement '{id}'");
                }
                else
                {
                    placements.Add(p);
                }
            }
        }

        TargetingRule? rule = TargetingRule.Everyone;
        if (!string.IsNullOrWhiteSpace(campaign.Targeting))
        {
            var compiled = TargetingRuleCache.Compile(campaign.Targeting);
            if (!compiled.Success)
            {
                foreach (var error in compiled.Errors)
                {
                    errors.Add(prefix + "targeting", error.ToString());
                }

                rule = null;
            }
            else
            {
                rule = compiled.Rule;
            }
        }

        ValidateCreatives(campaign, prefix, errors, placements);
        return rule;
    }

    private static void ValidateCreatives(Campaign campaign, string prefix, ValidationErrors errors, List<Placement> placements)
    {
        if (campaign.Creatives is null || campaign.Creatives.Count == 0)
        {
            errors.Add(prefix + "creatives", "must have at least one creative");
            return;
        }

        if (campaign.Creatives.Count > MaxCreatives)
        {
            errors.Add(prefix + "creatives", $"at most {MaxCreatives} creatives");
            return;
        }

        var ids = campaign.Creatives.Count > SmallList ? new HashSet<string>(StringComparer.Ordinal) : null;
        for (var i = 0; i < campaign.Creatives.Count; i++)
        {
            var c = campaign.Creatives[i];
            var p = $"{prefix}creatives[{i}].";
            if (c is null)
            {
                errors.Add($"{prefix}creatives[{i}]", "must be an object");
                continue;
            }

            ValidateId(c.Id, p, errors);
            if (c.Id is not null && (ids is null ? IsRepeat(campaign.Creatives, i, c => c?.Id) : !ids.Add(c.Id)))
            {
                errors.Add(p + "id", $"'{c.Id}' is used by another creative of this campaign");
            }

            var formatOk = CatalogNames.TryParseFormat(c.Format, out var format);
            if (!formatOk)
            {
                errors.Add(p + "format", "must be one of: image, html, text");
            }

            var sizeOk = CreativeSize.TryParse(c.Size, out _);
            if (!sizeOk)
            {
                errors.Add(p + "size", "must be WIDTHxHEIGHT in pixels, e.g. '300x250'");
            }

            if (c.Weight is < 1 or > MaxWeight)
            {
                errors.Add(p + "weight", $"must be between 1 and {MaxWeight}");
            }

            if (!IsAbsoluteHttpUrl(c.ClickUrl))
            {
                errors.Add(p + "clickUrl", HasControlCharacter(c.ClickUrl)
                    ? "must not contain control characters (a line break, a tab, …): a redirect to it would be refused"
                    : "must be an absolute http or https URL");
            }

            if (formatOk)
            {
                ValidateCreativeContent(c, format, p, errors);
            }

            if (formatOk && sizeOk && placements.Count > 0 && !FitsAny(c, placements))
            {
                var offered = string.Join("; ", placements.Select(pl =>
                    $"{pl.Id} takes {string.Join("/", pl.Sizes)} {string.Join("/", pl.Formats)}"));
                errors.Add($"{prefix}creatives[{i}]", $"a {c.Size} {c.Format} creative fits none of the campaign's placements ({offered})");
            }
        }
    }

    private static void ValidateCreativeContent(Creative c, CreativeFormat format, string p, ValidationErrors errors)
    {
        switch (format)
        {
            case CreativeFormat.Image:
                if (!IsAbsoluteHttpUrl(c.ImageUrl) && !IsServerPath(c.ImageUrl))
                {
                    errors.Add(p + "imageUrl", "an image creative needs an absolute http(s) URL or a path on the ad server starting with '/'");
                }

                MaxLength(c.Alt, 300, p, "alt", errors);
                break;
            case CreativeFormat.Text:
                if (string.IsNullOrWhiteSpace(c.Headline))
                {
                    errors.Add(p + "headline", "a text creative needs a headline");
                }

                MaxLength(c.Headline, 120, p, "headline", errors);
                MaxLength(c.Body, 500, p, "body", errors);
                break;
            case CreativeFormat.Html:
                if (string.IsNullOrWhiteSpace(c.Html))
                {
                    errors.Add(p + "html", "an html creative needs markup");
                }

                MaxLength(c.Html, MaxHtmlLength, p, "html", errors);
                break;
        }
    }

    private static bool FitsAny(Creative creative, List<Placement> placements)
    {
        foreach (var placement in placements)
        {
            if (Fits(creative, placement))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="creative"/> fits <paramref name="placement"/> by size and format.</summary>
    public static bool Fits(Creative creative, Placement placement) =>
        placement.Sizes is not null && placement.Formats is not null
        && Contains(placement.Sizes, creative.Size) && Contains(placement.Formats, creative.Format);

    /// <summary>
    /// Validates a whole catalog document: every entity, duplicate ids, and references between them.
    /// </summary>
    /// <param name="document">The document.</param>
    /// <param name="rules">The compiled targeting rule of each campaign, by index; entries are <c>null</c> where invalid.</param>
    public static ValidationErrors ValidateDocument(CatalogDocument document, out TargetingRule?[] rules) =>
        ValidateDocument(document, out rules, ParallelFrom);

    /// <summary>Catalogs from this many campaigns on have their campaigns validated on every core.</summary>
    public const int ParallelFrom = 2_000;

    /// <summary>Campaigns validated by one task of a parallel validation, their errors kept apart until merged in order.</summary>
    private const int ParallelChunk = 1_024;

    /// <inheritdoc cref="ValidateDocument(CatalogDocument, out TargetingRule?[])"/>
    /// <param name="document">The document.</param>
    /// <param name="rules">The compiled targeting rule of each campaign, by index; entries are <c>null</c> where invalid.</param>
    /// <param name="parallelFrom">From how many campaigns on they are validated on every core (tests compare both ways).</param>
    internal static ValidationErrors ValidateDocument(CatalogDocument document, out TargetingRule?[] rules, int parallelFrom)
    {
        var errors = new ValidationErrors();
        var sites = Unique(document.Sites, "sites", s => s?.Id, errors);
        var placements = Unique(document.Placements, "placements", p => p?.Id, errors);
        var advertisers = Unique(document.Advertisers, "advertisers", a => a?.Id, errors);
        Unique(document.Campaigns, "campaigns", c => c?.Id, errors);

        Each(document.Sites, "sites", errors, (s, _, p) => ValidateSite(s, p, errors));
        Each(document.Placements, "placements", errors, (pl, _, p) => ValidatePlacement(pl, p, errors, sites.ContainsKey));
        Each(document.Advertisers, "advertisers", errors, (a, _, p) => ValidateAdvertiser(a, p, errors));

        var campaigns = document.Campaigns ?? [];
        var compiled = new TargetingRule?[campaigns.Count];
        Func<string, bool> advertiserExists = advertisers.ContainsKey;
        Func<string, Placement?> findPlacement = id => placements.GetValueOrDefault(id);
        if (campaigns.Count < parallelFrom || Environment.ProcessorCount < 2)
        {
            Each(campaigns, "campaigns", errors, (c, i, p) => compiled[i] = ValidateCampaign(c, p, errors, advertiserExists, findPlacement));
        }
        else
        {
            // Each campaign is validated on its own (it reads only the lookups above and the shared rule cache): chunks
            // on every core, each into errors of its own, then merged in campaign order, which gives the errors (and
            // their order) of the loop above.
            var chunks = new ValidationErrors[(campaigns.Count + ParallelChunk - 1) / ParallelChunk];
            Parallel.For(0, chunks.Length, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, k =>
            {
                var chunkErrors = new ValidationErrors();
                var end = Math.Min(campaigns.Count, (k + 1) * ParallelChunk);
                for (var i = k * ParallelChunk; i < end; i++)
                {
                    if (campaigns[i] is { } campaign)
                    {
                        compiled[i] = ValidateCampaign(campaign, $"campaigns[{i}].", chunkErrors, advertiserExists, findPlacement);
                    }
                    else
                    {
                        chunkErrors.Add($"campaigns[{i}]", "must be an object");
                    }
                }

                chunks[k] = chunkErrors;
            });
            foreach (var chunkErrors in chunks)
            {
                errors.AddRange(chunkErrors);
            }
        }

        rules = compiled;
        return errors;
    }

    private static Dictionary<string, T> Unique<T>(IReadOnlyList<T>? items, string name, Func<T, string?> id, ValidationErrors errors)
        where T : class
    {
        var result = new Dictionary<string, T>(StringComparer.Ordinal);
        if (items is null)
        {
            return result;
        }

        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is { } item && id(item) is { } key && !result.TryAdd(key, item))
            {
                errors.Add($"{name}[{i}].id", $"'{key}' is used by another of the {name}");
            }
        }

        return result;
    }

    private static void Each<T>(IReadOnlyList<T>? items, string name, ValidationErrors errors, Action<T, int, string> validate)
        where T : class
    {
        if (items is null)
        {
            return;
        }

        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is { } item)
            {
                validate(item, i, $"{name}[{i}].");
            }
            else
            {
                errors.Add($"{name}[{i}]", "must be an object");
            }
        }
    }

    /// <summary>Whether <paramref name="url"/> is an absolute http or https URL, without control characters (a CR or LF would break the redirect's header).</summary>
    public static bool IsAbsoluteHttpUrl(string? url) =>
        !string.IsNullOrEmpty(url) && url.Length <= MaxUrlLength
        && (IsPlainHttpUrl(url) || (!HasControlCharacter(url)
            && Uri.TryCreate(url, UriKind.Absolute, out var uri)
            && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            && !string.IsNullOrEmpty(uri.Host)));

    /// <summary>
    /// Whether <paramref name="url"/> is plainly an absolute http(s) URL, decided without parsing it into a
    /// <see cref="Uri"/> (which costs some 500 bytes a URL, and a catalog of 100k campaigns has 300k of them): a
    /// lower-case <c>http://</c> or <c>https://</c>, a host of lower-case letters, digits, dots and hyphens (labels that
    /// start and end with a letter or digit, a letter somewhere), no port, user or fragment, and then only characters
    /// RFC 3986 allows in a path and query (or <c>%</c> and two hex digits). <see cref="Uri"/> accepts every such URL as
    /// an absolute http(s) one with a host (a property test holds it to that); <c>false</c> says nothing: the caller
    /// asks <see cref="Uri"/>.
    /// </summary>
    internal static bool IsPlainHttpUrl(string url)
    {
        int i;
        if (url.StartsWith("https://", StringComparison.Ordinal))
        {
            i = 8;
        }
        else if (url.StartsWith("http://", StringComparison.Ordinal))
        {
            i = 7;
        }
        else
        {
            return false;
        }

        var hostStart = i;
        var labelStart = i;
        var letter = false;
        for (; i < url.Length && url[i] is not ('/' or '?'); i++)
        {
            var c = url[i];
            if (char.IsAsciiLetterLower(c))
            {
                letter = true;
            }
            else if (c is '.' or '-')
            {
                if (i == labelStart || !char.IsAsciiLetterOrDigit(url[i - 1]))
                {
                    return false;
                }

                if (c == '.')
                {
                    labelStart = i + 1;
                }
            }
            else if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        if (!letter || i == labelStart || i - hostStart > 253 || !char.IsAsciiLetterOrDigit(url[i - 1]))
        {
            return false;
        }

        return IsPlainPath(url.AsSpan(i));
    }

    /// <summary>Whether <paramref name="path"/> holds only characters RFC 3986 allows unescaped in a path and query, or <c>%</c> and two hex digits.</summary>
    internal static bool IsPlainPath(ReadOnlySpan<char> path)
    {
        for (var i = 0; i < path.Length; i++)
        {
            var c = path[i];
            if (char.IsAsciiLetterOrDigit(c) || PathPunctuation.Contains(c))
            {
                continue;
            }

            if (c == '%' && i + 2 < path.Length && char.IsAsciiHexDigit(path[i + 1]) && char.IsAsciiHexDigit(path[i + 2]))
            {
                i += 2;
                continue;
            }

            return false;
        }

        return true;
    }

    private const string PathPunctuation = "-._~!$&'()*+,;=:@/?";

    private static bool HasControlCharacter(string? text)
    {
        if (text is null)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (char.IsControl(c))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsServerPath(string? url) =>
        !string.IsNullOrEmpty(url) && url.Length <= MaxUrlLength && url[0] == '/'
        && (url.Length == 1 || url[1] != '/')
        && (IsPlainPath(url) || (!HasControlCharacter(url) && !url.Contains('\\', StringComparison.Ordinal)
            && Uri.TryCreate(url, UriKind.Relative, out _)));

    private static void ValidateId(string? id, string prefix, ValidationErrors errors)
    {
        if (string.IsNullOrEmpty(id))
        {
            errors.Add(prefix + "id", "is required");
        }
        else if (!Ids.IsValid(id))
        {
            errors.Add(prefix + "id", Ids.Rule);
        }
    }

    // The checks below take a field's path in two parts, joined only when there is an error to report: a catalog of
    // 100k campaigns is validated whole at start, and a path made for every field checked was most of its garbage.
    private static void ValidateName(string? name, string prefix, string field, ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            errors.Add(prefix + field, "is required");
        }
        else
        {
            MaxLength(name, MaxNameLength, prefix, field, errors);
        }
    }

    private static void MaxLength(string? value, int max, string prefix, string field, ValidationErrors errors)
    {
        if (value is not null && value.Length > max)
        {
            errors.Add(prefix + field, $"at most {max} characters");
        }
    }

    private static void OneOf(string? value, IReadOnlyList<string> allowed, string prefix, string field, ValidationErrors errors)
    {
        if (value is null || !Contains(allowed, value))
        {
            errors.Add(prefix + field, $"must be one of: {string.Join(", ", allowed)}");
        }
    }

    /// <summary>Lists up to this long are checked for repeats by comparing with every earlier item, with no set.</summary>
    private const int SmallList = 16;

    /// <summary>Whether item <paramref name="index"/>'s key (never null) is an earlier item's.</summary>
    private static bool IsRepeat<T>(IReadOnlyList<T> items, int index, Func<T, string?> key)
    {
        var value = key(items[index]);
        for (var i = 0; i < index; i++)
        {
            if (string.Equals(key(items[i]), value, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="items"/> holds <paramref name="value"/> (ordinal), without an enumerator.</summary>
    private static bool Contains(IReadOnlyList<string> items, string? value)
    {
        for (var i = 0; i < items.Count; i++)
        {
            if (string.Equals(items[i], value, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The most a rate's amount or a spend goal may be (a sanity bound, far above any real price).</summary>
    public const decimal MaxAmount = 1_000_000_000m;

    private static void ValidateRate(Campaign campaign, string prefix, ValidationErrors errors)
    {
        if (campaign.Rate is not { } rate)
        {
            return;
        }

        OneOf(rate.Model, CatalogNames.RateModels, prefix, "rate.model", errors);
        if (rate.Amount <= 0 || rate.Amount > MaxAmount)
        {
            errors.Add(prefix + "rate.amount", $"must be more than 0 and at most {MaxAmount:0}");
        }
        else if (rate.Amount.Scale > Money.MaxRateDecimals && rate.Amount != Math.Round(rate.Amount, Money.MaxRateDecimals))
        {
            errors.Add(prefix + "rate.amount", $"at most {Money.MaxRateDecimals} decimal places");
        }

        if (!Money.IsCurrencyCode(rate.Currency))
        {
            errors.Add(prefix + "rate.currency", "must be an ISO 4217 code: three capital letters, such as MYR");
        }

        if (rate.Model == "flat" && (campaign.Start is null || campaign.End is null))
        {
            errors.Add(prefix + "rate", "a flat rate is spread over the flight's days, so the campaign needs both start and end");
        }
    }

    private static void ValidateGoal(Campaign campaign, CampaignGoal goal, string prefix, ValidationErrors errors)
    {
        var kinds = (goal.Impressions is null ? 0 : 1) + (goal.Clicks is null ? 0 : 1) + (goal.Spend is null ? 0 : 1);
        if (kinds != 1)
        {
            errors.Add(prefix + "goal", "must count exactly one of impressions, clicks or spend");
        }

        if (goal.Impressions is < 1)
        {
            errors.Add(prefix + "goal.impressions", "must be at least 1");
        }

        if (goal.Clicks is < 1)
        {
            errors.Add(prefix + "goal.clicks", "must be at least 1");
        }

        if (goal.Spend is { } spend)
        {
            if (spend <= 0 || spend > MaxAmount)
            {
                errors.Add(prefix + "goal.spend", $"must be more than 0 and at most {MaxAmount:0}");
            }
            else if (spend != Math.Round(spend, Money.Decimals))
            {
                errors.Add(prefix + "goal.spend", $"at most {Money.Decimals} decimal places");
            }

            if (campaign.Rate is not { } rate)
            {
                errors.Add(prefix + "goal.spend", "a spend goal needs the campaign's rate (cpm or cpc) to know what is spent");
            }
            else if (rate.Model == "flat")
            {
                errors.Add(prefix + "goal.spend", "a flat rate's spend is its amount: give a cpm or cpc rate, or count impressions or clicks");
            }
        }

        OneOf(goal.Per, CatalogNames.GoalPeriods, prefix, "goal.per", errors);
        if (goal.Per == "flight" && campaign.Pacing == "even" && (campaign.Start is null || campaign.End is null))
        {
            errors.Add(prefix + "pacing", "even pacing of a flight goal needs both start and end");
        }
    }
}
