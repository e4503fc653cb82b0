using System.Security.Cryptography;
using System.Text;
using Suara.Ads.Core.Catalog;
using Suara.Ads.Core.Forecasting;

namespace Suara.Ads.Testing;

/// <summary>
/// Decision requests of a news site with a known weekly pattern, as the traffic sample would record them: volume by
/// weekday (weekends lighter) and by hour (a morning and an evening peak), sections by weekday (more sport at the
/// weekend), countries, devices, keywords, and a pool of returning viewers (some heavy) plus anonymous requests.
/// Seeded: the same seed and day give the same traffic. For forecasts' tests and backtests.
/// </summary>
public sealed class GeneratedTraffic
{
    /// <summary>Volume by weekday, Sunday first: the known weekly pattern.</summary>
    public static readonly double[] WeekdayVolume = [0.7, 1.0, 1.0, 0.95, 1.0, 0.9, 0.65];

    private static readonly double[] s_hourly = Hourly();
    private static readonly string[] s_countries = ["MY", "MY", "MY", "MY", "MY", "MY", "SG", "SG", "SG", "GB", "ID", "BN"];
    private static readonly string[] s_devices = ["mobile", "mobile", "mobile", "mobile", "desktop", "desktop", "desktop", "tablet"];
    private static readonly string[] s_weekdaySections = ["news", "news", "news", "news", "business", "business", "travel", "sport", "sport", "lifestyle"];
    private static readonly string[] s_weekendSections = ["news", "news", "travel", "travel", "sport", "sport", "sport", "sport", "lifestyle", "lifestyle"];
    private static readonly string[] s_keywords = ["election", "ringgit", "gadget", "football", "haze", "flights", "budget", "kopi"];

    private readonly int _seed;
    private readonly string[] _viewers;

    /// <param name="seed">The seed.</param>
    /// <param name="viewers">Size of the pool of returning viewers.</param>
    public GeneratedTraffic(int seed, int viewers = 5_000)
    {
        _seed = seed;
        _viewers = new string[viewers];
        for (var i = 0; i < viewers; i++)
        {
            // Digest-shaped (24 hex digits) and uniform, as the keyed digests the sample stores are.
            _viewers[i] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{seed}/{i}")))[..24];
        }
    }

    /// <summary>Placements each page asks for, in page order.</summary>
    public IReadOnlyList<string> Slots { get; init; } = ["article-top", "sidebar", "footer"];

    /// <summary>The site.</summary>
    public string Site { get; init; } = "suara";

    /// <summary>
    /// One day of all traffic: <paramref name="requests"/> times the weekday's volume, in time order (seconds after the
    /// site's midnight).
    /// </summary>
    public IReadOnlyList<SampleRecord> Day(DateOnly date, int requests)
    {
        var random = new Random(unchecked((_seed * 100_003) + date.DayNumber));
        var weekend = date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
        var count = (int)Math.Round(requests * WeekdayVolume[(int)date.DayOfWeek]);
        var records = new SampleRecord[count];
        var slots = Slots.Select((p, i) => new SampleSlot { Id = "s" + i, Placement = p }).ToArray();
        for (var i = 0; i < count; i++)
        {
            var second = Pick(random, s_hourly) * 3600 + random.Next(3600);
            var section = (weekend ? s_weekendSections : s_weekdaySections)[random.Next(10)];

            // 85 % returning viewers, skewed: a tenth of the pool makes about half of those requests.
            string? viewer = null;
            if (random.NextDouble() < 0.85)
            {
                viewer = _viewers[random.NextDouble() < 0.5 ? random.Next(_viewers.Length / 10) : random.Next(_viewers.Length)];
            }

            records[i] = new SampleRecord
            {
                Seconds = second,
                Viewer = viewer,
                Country = s_countries[random.Next(s_countries.Length)],
                Device = s_devices[random.Next(s_devices.Length)],
                Language = random.NextDouble() < 0.7 ? "en" : "ms",
                Section = section,
                Path = $"/{section}/story-{random.Next(500)}",
                Keywords = random.NextDouble() < 0.3 ? [s_keywords[random.Next(s_keywords.Length)]] : null,
                Slots = slots,
            };
        }

        Array.Sort(records, static (a, b) => a.Seconds.CompareTo(b.Seconds));
        return records;
    }

    /// <summary>
    /// <paramref name="day"/> as the traffic sample would hold it at <paramref name="rate"/>: the records of sampled viewers
    /// (and a random share of anonymous requests), with the day's counts. <paramref name="impressionShare"/> of fills
    /// become impressions.
    /// </summary>
    public (SampleCounts Counts, IReadOnlyList<SampleRecord> Records) Sample(DateOnly date, IReadOnlyList<SampleRecord> day, double rate, double impressionShare = 0.9)
    {
        var random = new Random(unchecked((_seed * 100_019) + date.DayNumber + 17));
        var requests = new long[24];
        var sampled = new long[24];
        var kept = new List<SampleRecord>();
        foreach (var record in day)
        {
            var hour = Math.Min(record.Seconds / 3600, 23);
            requests[hour]++;
            var take = rate >= 1 || (record.Viewer is { } v ? TrafficSampling.Samples(v, rate) : random.NextDouble() < rate);
            if (take)
            {
                sampled[hour]++;
                kept.Add(record);
            }
        }

        // The share of fills that become impressions: only the ratio of these two counts matters to a forecast.
        var counts = new SampleCounts { RequestsByHour = requests, SampledByHour = sampled, Filled = 1_000_000, Impressions = (long)(1_000_000 * impressionShare) };
        return (counts, kept);
    }

    /// <summary>
    /// A catalog for the site of <see cref="Slots"/> (article-top 728x90, sidebar 300x250, footer 728x90): a sponsorship
    /// on Malaysian travel, standard campaigns with day and flight goals (even and asap), frequency caps, targeting on
    /// section, device, country, hour and keywords, two sharing an exclusion label, and a house campaign.
    /// </summary>
    public static CatalogDocument Catalog(DateTimeOffset start, DateTimeOffset end)
    {
        Campaign Make(string id, string priority, string[] placements, string? targeting = null, CampaignGoal? goal = null, string pacing = "asap", FrequencyCap? cap = null, int weight = 100, string[]? labels = null) => new()
        {
            Id = id,
            AdvertiserId = "adv",
            Name = id,
            Start = start,
            End = end,
            Priority = priority,
            Weight = weight,
            Placements = placements,
            Targeting = targeting,
            Goal = goal,
            Pacing = pacing,
            FrequencyCap = cap,
            ExclusionLabels = labels ?? [],
            // A creative for each size the campaign's placements take (a creative that fits none is refused).
            Creatives = placements.Select(p => p == "sidebar" ? "300x250" : "728x90").Distinct()
                .Select(size => new Creative { Id = $"{id}-{size}", Format = "image", Size = size, ImageUrl = "https://cdn.example/a.png", Alt = id, ClickUrl = "https://adv.example/" })
                .ToArray(),
        };

        return new CatalogDocument
        {
            Sites = [new Site { Id = "suara", Name = "Suara", TimeZone = "Asia/Kuala_Lumpur" }],
            Placements =
            [
                new Placement { Id = "article-top", Site = "suara", Name = "Top", Sizes = ["728x90"], Formats = ["image"] },
                new Placement { Id = "sidebar", Site = "suara", Name = "Side", Sizes = ["300x250"], Formats = ["image"] },
                new Placement { Id = "footer", Site = "suara", Name = "Footer", Sizes = ["728x90"], Formats = ["image"] },
            ],
            Advertisers = [new Advertiser { Id = "adv", Name = "Advertiser" }],
            Campaigns =
            [
                Make("travel-sponsor", "sponsorship", ["article-top", "sidebar"], "country == 'MY' and section == 'travel'", labels: ["airline"]),
                Make("airline-rival", "standard", ["article-top", "sidebar"], "section in ('travel', 'news')", labels: ["airline"], weight: 200),
                Make("daily-even", "standard", ["article-top", "sidebar", "footer"], "device == 'mobile'", new CampaignGoal { Impressions = 4_000, Per = "day" }, "even"),
                Make("flight-asap", "standard", ["sidebar"], "section == 'news'", new CampaignGoal { Impressions = 60_000, Per = "flight" }),
                Make("capped", "standard", ["article-top", "footer"], "country in ('MY', 'SG')", cap: new FrequencyCap { Impressions = 2, Per = "day" }, weight: 300),
                Make("sport-weekend", "standard", ["article-top", "sidebar", "footer"], "section == 'sport'", weight: 150),
                Make("evening", "standard", ["footer", "sidebar"], "hour between 18 and 23", new CampaignGoal { Impressions = 3_000, Per = "day" }, "even"),
                Make("gadget", "standard", ["sidebar"], "keywords contains 'gadget' or section == 'business'", cap: new FrequencyCap { Impressions = 3, Per = "week" }),
                Make("house", "house", ["article-top", "sidebar", "footer"]),
            ],
        };
    }

    /// <summary>
    /// Adds <paramref name="count"/> standard campaigns with assorted targeting (a tenth on the path), a third with goals
    /// (per day and per flight, even and asap), a quarter capped per day, so the index holds a realistic number of
    /// candidates (the benchmarks' <c>--forecast</c> and the pinned replay test).
    /// </summary>
    public static CatalogDocument WithFillers(CatalogDocument catalog, int count)
    {
        string[] rules =
        [
            "country == 'MY' and section == 'news'", "country == 'SG'", "device == 'desktop' and section in ('business', 'news')",
            "section == 'sport' and hour between 17 and 23", "keywords contains 'football'", "language == 'ms'", "country in ('ID', 'BN') or section == 'lifestyle'",
            "path startswith '/travel/'", "device == 'tablet'", "country == 'GB' and section == 'news'",
        ];
        var random = new Random(3);
        var template = catalog.Campaigns.First(c => c.Id == "house");
        var fillers = Enumerable.Range(0, count).Select(i => template with
        {
            Id = $"filler-{i}",
            Name = $"filler {i}",
            Priority = "standard",
            Weight = 1 + random.Next(200),
            Targeting = rules[i % rules.Length],
            Goal = i % 3 == 0 ? new CampaignGoal { Impressions = 2_000 + random.Next(20_000), Per = i % 2 == 0 ? "day" : "flight" } : null,
            Pacing = i % 2 == 0 ? "even" : "asap",
            FrequencyCap = i % 4 == 0 ? new FrequencyCap { Impressions = 1 + random.Next(5), Per = "day" } : null,
        });
        return catalog with { Campaigns = [.. catalog.Campaigns, .. fillers] };
    }

    private static int Pick(Random random, double[] weights)
    {
        var r = random.NextDouble();
        for (var i = 0; i < weights.Length; i++)
        {
            r -= weights[i];
            if (r < 0)
            {
                return i;
            }
        }

        return weights.Length - 1;
    }

    private static double[] Hourly()
    {
        // Quiet nights, a morning peak at 8, a lunch plateau, an evening peak at 21 (site-local).
        double[] shape = [0.3, 0.2, 0.15, 0.1, 0.1, 0.2, 0.6, 1.2, 1.6, 1.4, 1.1, 1.0, 1.2, 1.1, 0.9, 0.9, 1.0, 1.1, 1.3, 1.5, 1.7, 1.8, 1.3, 0.7];
        var total = shape.Sum();
        return shape.Select(s => s / total).ToArray();
    }
}
