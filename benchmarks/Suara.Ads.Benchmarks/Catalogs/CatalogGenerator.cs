using System.Globalization;
using System.Text;
using Suara.Ads.Core.Catalog;
using Suara.Ads.Core.Delivery;
using Suara.Ads.Core.Selection;
using Suara.Ads.Core.Targeting;

namespace Suara.Ads.Benchmarks.Catalogs;

/// <summary>
/// Deterministic (seeded) catalogs and requests for the engine benchmarks: one site, 12 placements over a few
/// sizes, and N campaigns with a realistic mix of targeting, priorities, goals, caps, exclusion labels,
/// flights and statuses. The same seed always gives the same document, byte for byte.
/// </summary>
/// <remarks>
/// Mix (per campaign, independently): ~10% untargeted; of the rest ~60% overall pin <c>country</c> to 1-5 of 40
/// countries (skewed towards the region's big markets, as real demand is), ~30% constrain <c>device</c>, ~40%
/// constrain <c>section</c> (1 in 4 of those negatively), ~8% test keywords, ~5% a key-value, ~5% the hour,
/// ~3% the weekday, and ~15% put two clauses in an <c>or</c> group. Priorities 5% sponsorship, 85% standard,
/// 10% house; ~20% have a goal (flight or day, even or asap), ~20% a frequency cap, ~30% 1-2 exclusion labels
/// from a pool of 50. Each campaign lists 1-3 placements and has 1-4 creatives, each fitting one of them.
/// About 90% are active and in flight.
/// </remarks>
public static class CatalogGenerator
{
    /// <summary>The one site.</summary>
    public const string SiteId = "bench";

    /// <summary>The decision time every benchmark uses (noon in the site's time zone).</summary>
    public static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.FromHours(8));

    /// <summary>The viewer of requests that carry a user id.</summary>
    public const string ViewerId = "viewer-0001";

    /// <summary>The 4-slot article page every decision benchmark asks for, in page order.</summary>
    public static IReadOnlyList<SlotRequest> PageSlots { get; } =
    [
        new("top", "article-top"),
        new("mrec-1", "article-mrec-1"),
        new("mrec-2", "article-mrec-2"),
        new("side", "article-side"),
    ];

    private const string TimeZone = "Asia/Kuala_Lumpur";

    // The first few are picked far more often, by campaigns and by viewers alike.
    private static readonly string[] s_countries =
    [
        "MY", "SG", "ID", "TH", "PH", "VN", "BN", "AU", "IN", "US",
        "GB", "JP", "KR", "CN", "HK", "TW", "NZ", "AE", "SA", "DE",
        "FR", "NL", "CA", "BD", "PK", "LK", "MM", "KH", "LA", "QA",
        "IT", "ES", "SE", "CH", "IE", "BR", "MX", "ZA", "NG", "EG",
    ];

    private static readonly string[] s_sections =
    [
        "news", "politics", "business", "sport", "lifestyle", "tech", "entertainment", "travel",
        "food", "auto", "property", "health", "education", "opinion", "world",
    ];

    private static readonly string[] s_keywords =
    [
        "election", "budget", "football", "badminton", "f1", "recipe", "hotel", "flight", "smartphone",
        "laptop", "ev", "suv", "condo", "mortgage", "stocks", "crypto", "fashion", "beauty", "movie",
        "music", "k-pop", "fitness", "diabetes", "university", "scholarship", "weather", "flood",
        "durian", "ramadan", "deepavali",
    ];

    private static readonly (string Id, string[] Sizes, string[] Formats)[] s_placements =
    [
        ("home-top", ["728x90", "970x90"], ["image", "html"]),
        ("home-mrec", ["300x250"], ["image", "html"]),
        ("home-side", ["300x600", "160x600"], ["image"]),
        ("article-top", ["728x90", "970x250"], ["image", "html"]),
        ("article-mrec-1", ["300x250"], ["image", "html", "text"]),
        ("article-mrec-2", ["300x250"], ["image", "html", "text"]),
        ("article-inline", ["300x250", "336x280"], ["image", "text"]),
        ("article-side", ["300x600"], ["image", "html"]),
        ("article-bottom", ["728x90"], ["image", "text"]),
        ("mobile-top", ["320x50", "320x100"], ["image"]),
        ("mobile-mrec", ["300x250"], ["image", "html"]),
        ("section-top", ["728x90", "970x90"], ["image"]),
    ];

    private static readonly string[] s_capPeriods = ["hour", "day", "week", "flight"];

    /// <summary>Generates a valid catalog of <paramref name="campaignCount"/> campaigns.</summary>
    public static CatalogDocument Generate(int campaignCount, int seed = 20261129)
    {
        var random = new Random(seed);
        var placements = s_placements
            .Select(p => new Placement { Id = p.Id, Site = SiteId, Name = p.Id, Sizes = p.Sizes, Formats = p.Formats })
            .ToArray();
        var advertiserCount = Math.Max(1, campaignCount / 20);
        var advertisers = new Advertiser[advertiserCount];
        for (var a = 0; a < advertiserCount; a++)
        {
            advertisers[a] = new Advertiser { Id = Id("a", a), Name = "Advertiser " + a.ToString(CultureInfo.InvariantCulture) };
        }

        var campaigns = new Campaign[campaignCount];
        for (var i = 0; i < campaignCount; i++)
        {
            campaigns[i] = GenerateCampaign(random, i, advertisers[random.Next(advertiserCount)].Id);
        }

        return new CatalogDocument
        {
            Sites = [new Site { Id = SiteId, Name = "Bench News", Domains = ["bench.example"], TimeZone = TimeZone }],
            Placements = placements,
            Advertisers = advertisers,
            Campaigns = campaigns,
        };
    }

    /// <summary>
    /// Delivery counts for the document's goals: ~10% of goal campaigns have met their goal, the rest are somewhat
    /// behind their even-pacing line, so goal and pacing checks run without removing much demand.
    /// </summary>
    public static InMemoryDeliveryLedger Ledger(CatalogDocument document, int seed = 11)
    {
        var random = new Random(seed);
        var ledger = new InMemoryDeliveryLedger();
        var siteDay = SiteDay();
        foreach (var c in document.Campaigns)
        {
            if (c.Goal is not { } goal)
            {
                continue;
            }

            var units = goal.Impressions ?? 0;
            var served = random.NextDouble() < 0.1 ? units : (long)(units * 0.2);
            if (goal.Per == "day")
            {
                ledger.SetDayDelivered(c.Id, siteDay, served);
            }
            else
            {
                ledger.SetFlightDelivered(c.Id, served);
            }
        }

        return ledger;
    }

    /// <summary>A viewer history with up to 50 capped campaigns, ~1 in 3 of them at their cap now.</summary>
    public static ViewerHistory History(CatalogDocument document, int seed = 13)
    {
        var random = new Random(seed);
        var local = TimeZoneInfo.ConvertTime(Now, TimeZoneInfo.FindSystemTimeZoneById(TimeZone)).DateTime;
        var counts = new Dictionary<FrequencyKey, int>();
        foreach (var c in document.Campaigns)
        {
            if (c.FrequencyCap is not { } cap || random.NextDouble() > 0.05)
            {
                continue;
            }

            var period = cap.Per switch
            {
                "hour" => CapPeriod.Hour,
                "week" => CapPeriod.Week,
                "flight" => CapPeriod.Flight,
                _ => CapPeriod.Day,
            };
            counts[new FrequencyKey(c.Id, FrequencyWindows.Key(period, local))] = random.Next(3) == 0 ? cap.Impressions : 1;
            if (counts.Count == 50)
            {
                break;
            }
        }

        return new ViewerHistory(counts);
    }

    /// <summary>
    /// A pool of varied requests for <see cref="PageSlots"/>: viewers from a skewed country mix, devices with
    /// matching os and browser, sections, 0-5 keywords and key-values; ~80% carry the user id.
    /// Each request has its own <see cref="TargetingContext"/> (the engine writes site, placement, hour and weekday).
    /// </summary>
    public static DecisionRequest[] Requests(int count = 256, int seed = 7)
    {
        var random = new Random(seed);
        var requests = new DecisionRequest[count];
        for (var i = 0; i < count; i++)
        {
            requests[i] = new DecisionRequest
            {
                Site = SiteId,
                Slots = PageSlots,
                UserId = random.NextDouble() < 0.8 ? ViewerId : null,
                Context = Context(random, i),
            };
        }

        return requests;
    }

    /// <summary>One varied context (also used by the targeting benchmarks).</summary>
    public static TargetingContext Context(Random random, int n)
    {
        var (device, os, browser) = random.NextDouble() switch
        {
            < 0.35 => ("mobile", "android", "chrome"),
            < 0.60 => ("mobile", "ios", "safari"),
            < 0.85 => ("desktop", "windows", random.Next(2) == 0 ? "chrome" : "edge"),
            < 0.92 => ("desktop", "macos", "safari"),
            _ => ("tablet", "ios", "safari"),
        };
        var section = random.NextDouble() < 0.9 ? s_sections[random.Next(s_sections.Length)] : "";
        var keywords = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var keywordCount = random.Next(6);
        for (var k = 0; k < keywordCount; k++)
        {
            keywords.Add(s_keywords[random.Next(s_keywords.Length)]);
        }

        var kv = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (random.NextDouble() < 0.7)
        {
            kv["tier"] = random.Next(3) switch { 0 => "free", 1 => "gold", _ => "premium" };
        }

        if (random.NextDouble() < 0.5)
        {
            kv["age"] = random.Next(16, 70).ToString(CultureInfo.InvariantCulture);
        }

        var path = section.Length == 0
            ? "/"
            : string.Create(CultureInfo.InvariantCulture, $"/{section}/2026/11/story-{n}");
        return new TargetingContext
        {
            Country = PickCountry(random),
            Region = "",
            Device = device,
            Os = os,
            Browser = browser,
            Language = random.NextDouble() < 0.7 ? "en" : "ms",
            Section = section,
            Url = "https://bench.example" + path,
            Path = path,
            Referrer = random.Next(3) switch { 0 => "www.google.com", 1 => "www.facebook.com", _ => "" },
            Keywords = keywords,
            Kv = kv,
        };
    }

    private static int SiteDay()
    {
        var local = TimeZoneInfo.ConvertTime(Now, TimeZoneInfo.FindSystemTimeZoneById(TimeZone)).DateTime;
        return (int)(local.Ticks / TimeSpan.TicksPerDay);
    }

    private static Campaign GenerateCampaign(Random random, int i, string advertiserId)
    {
        var id = Id("c", i);
        var priority = random.NextDouble() switch
        {
            < 0.05 => "sponsorship",
            < 0.90 => "standard",
            _ => "house",
        };

        var status = random.NextDouble() switch
        {
            < 0.97 => "active",
            < 0.99 => "paused",
            _ => "archived",
        };

        // Flights: most open-ended; some over, some not yet started, some bounded and running.
        DateTimeOffset? start = null;
        DateTimeOffset? end = null;
        switch (random.NextDouble())
        {
            case < 0.04:
                start = Now.AddDays(-60);
                end = Now.AddDays(-random.Next(1, 30));
                break;
            case < 0.08:
                start = Now.AddDays(random.Next(1, 30));
                break;
            case < 0.30:
                start = Now.AddDays(-random.Next(1, 30));
                end = Now.AddDays(random.Next(1, 60));
                break;
        }

        CampaignGoal? goal = null;
        var pacing = "asap";
        if (random.NextDouble() < 0.2)
        {
            var perDay = random.Next(2) == 0;
            goal = new CampaignGoal { Impressions = random.Next(1_000, 1_000_000), Per = perDay ? "day" : "flight" };
            pacing = random.Next(2) == 0 ? "even" : "asap";
            if (pacing == "even" && !perDay && (start is null || end is null))
            {
                start = Now.AddDays(-10);
                end = Now.AddDays(20);
            }
        }

        FrequencyCap? cap = random.NextDouble() < 0.2
            ? new FrequencyCap { Impressions = random.Next(1, 6), Per = s_capPeriods[random.Next(s_capPeriods.Length)] }
            : null;

        string[] labels = [];
        if (random.NextDouble() < 0.3)
        {
            labels = random.Next(3) == 0
                ? [Id("excl", random.Next(50)), Id("excl", random.Next(50))]
                : [Id("excl", random.Next(50))];
            labels = [.. labels.Distinct(StringComparer.Ordinal)];
        }

        var placementIndexes = Distinct(random, random.Next(1, 4), s_placements.Length, static r => r.Next(s_placements.Length));
        var creativeCount = random.Next(1, 5);
        var creatives = new Creative[creativeCount];
        for (var k = 0; k < creativeCount; k++)
        {
            var p = s_placements[placementIndexes[k % placementIndexes.Length]];
            var format = p.Formats[random.Next(p.Formats.Length)];
            var size = p.Sizes[random.Next(p.Sizes.Length)];
            var creativeId = Id("cr", k);
            creatives[k] = new Creative
            {
                Id = creativeId,
                Format = format,
                Size = size,
                ImageUrl = format == "image" ? $"/creatives/{id}/{creativeId}.png" : null,
                Alt = format == "image" ? "An offer" : null,
                Headline = format == "text" ? "A headline for " + id : null,
                Body = format == "text" ? "Some body text." : null,
                Html = format == "html" ? "<a href=\"{{CLICK_URL}}\" target=\"_top\">Offer</a>" : null,
                ClickUrl = $"https://{advertiserId}.example/landing?c={id}",
                Weight = random.Next(1, 101),
            };
        }

        return new Campaign
        {
            Id = id,
            AdvertiserId = advertiserId,
            Name = "Campaign " + id,
            Status = status,
            Start = start,
            End = end,
            Priority = priority,
            Weight = random.Next(1, 1001),
            Goal = goal,
            Pacing = pacing,
            FrequencyCap = cap,
            ExclusionLabels = labels,
            Placements = [.. placementIndexes.Select(x => s_placements[x].Id)],
            Targeting = Targeting(random),
            Creatives = creatives,
        };
    }

    /// <summary>A targeting rule from the mix described on the class, or <c>null</c> (untargeted).</summary>
    public static string? Targeting(Random random)
    {
        if (random.NextDouble() < 0.10)
        {
            return null;
        }

        // Conditional on being targeted, so that the overall shares are ~60/30/40%.
        var clauses = new List<string>();
        if (random.NextDouble() < 0.6 / 0.9)
        {
            clauses.Add(InList("country", Distinct(random, random.Next(1, 6), s_countries.Length, PickCountryIndex).Select(c => s_countries[c])));
        }

        if (random.NextDouble() < 0.3 / 0.9)
        {
            clauses.Add(random.NextDouble() switch
            {
                < 0.45 => "device == 'mobile'",
                < 0.70 => "device in ('mobile', 'tablet')",
                < 0.85 => "device != 'desktop'",
                _ => "device == 'desktop'",
            });
        }

        string? section = null;
        if (random.NextDouble() < 0.4 / 0.9)
        {
            var sections = Distinct(random, random.Next(1, 4), s_sections.Length, r => r.Next(s_sections.Length)).Select(s => s_sections[s]);
            section = random.NextDouble() < 0.75 ? InList("section", sections) : "not " + InList("section", sections);
        }

        string? keywords = null;
        if (random.NextDouble() < 0.08)
        {
            keywords = random.Next(2) == 0
                ? $"keywords contains '{s_keywords[random.Next(s_keywords.Length)]}'"
                : InList("keywords", Distinct(random, random.Next(2, 5), s_keywords.Length, r => r.Next(s_keywords.Length)).Select(k => s_keywords[k]));
        }

        if (random.NextDouble() < 0.15)
        {
            // An or group mixing what was picked above (or a fresh pair).
            var left = section ?? InList("section", [s_sections[random.Next(s_sections.Length)]]);
            var right = keywords ?? $"keywords contains '{s_keywords[random.Next(s_keywords.Length)]}'";
            clauses.Add($"({left} or {right})");
        }
        else
        {
            if (section is not null)
            {
                clauses.Add(section);
            }

            if (keywords is not null)
            {
                clauses.Add(keywords);
            }
        }

        if (random.NextDouble() < 0.05)
        {
            clauses.Add(random.Next(2) == 0 ? "kv.tier in ('gold', 'premium')" : $"kv.age between {random.Next(18, 30)} and {random.Next(35, 65)}");
        }

        if (random.NextDouble() < 0.05)
        {
            clauses.Add(random.Next(2) == 0 ? "hour between 6 and 23" : "hour between 18 and 2");
        }

        if (random.NextDouble() < 0.03)
        {
            clauses.Add(random.Next(2) == 0 ? "weekday in (sat, sun)" : "weekday between mon and fri");
        }

        if (clauses.Count == 0)
        {
            clauses.Add(random.Next(2) == 0 ? "device == 'mobile'" : $"section == '{s_sections[random.Next(s_sections.Length)]}'");
        }

        return string.Join(" and ", clauses);
    }

    private static string InList(string field, IEnumerable<string> values)
    {
        var list = values.ToList();
        if (list.Count == 1)
        {
            return $"{field} == '{list[0]}'";
        }

        var text = new StringBuilder(field).Append(" in (");
        for (var i = 0; i < list.Count; i++)
        {
            text.Append(i == 0 ? "'" : ", '").Append(list[i]).Append('\'');
        }

        return text.Append(')').ToString();
    }

    private static int[] Distinct(Random random, int count, int universe, Func<Random, int> pick)
    {
        count = Math.Min(count, universe);
        var picked = new List<int>(count);
        while (picked.Count < count)
        {
            var x = pick(random);
            if (!picked.Contains(x))
            {
                picked.Add(x);
            }
        }

        return [.. picked];
    }

    private static int PickCountryIndex(Random random) => random.NextDouble() switch
    {
        < 0.25 => 0,
        < 0.35 => 1,
        < 0.43 => 2,
        < 0.49 => 3,
        < 0.54 => 4,
        _ => random.Next(s_countries.Length),
    };

    private static string PickCountry(Random random) => random.NextDouble() switch
    {
        < 0.55 => "MY",
        < 0.65 => "SG",
        < 0.72 => "ID",
        _ => s_countries[random.Next(s_countries.Length)],
    };

    private static string Id(string prefix, int n) => prefix + "-" + n.ToString("D5", CultureInfo.InvariantCulture);
}
