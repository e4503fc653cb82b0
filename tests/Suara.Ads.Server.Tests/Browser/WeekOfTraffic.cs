using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Suara.Ads.Server.Tests.Support;

namespace Suara.Ads.Server.Tests.Browser;

/// <summary>
/// A week of the demo site's page views, sent through the real endpoints as readers' browsers send them: one decision
/// per page for its slots, then the impression beacon of most filled slots, the viewable beacon of some and a click on
/// a few. The server's clock walks through the week (pages from morning to night in the site's time zone). What was
/// sent is kept, so that a test can say what every report must show.
/// </summary>
internal sealed class WeekOfTraffic
{
    public static readonly TimeZoneInfo SiteZone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Kuala_Lumpur");

    private const string DesktopUserAgent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

    private static readonly string[] s_sections = ["news", "news", "business", "travel", "sport"];
    private static readonly string[] s_countries = ["MY", "MY", "MY", "SG", "ID", "AU"];

    private readonly Dictionary<string, Sent> _campaigns = new(StringComparer.Ordinal);

    private WeekOfTraffic(DateOnly first, DateOnly last)
    {
        First = first;
        Last = last;
    }

    /// <summary>What one campaign was sent.</summary>
    public sealed class Sent
    {
        public long Served { get; set; }

        public long Impressions { get; set; }

        public long Viewable { get; set; }

        public long Clicks { get; set; }

        /// <summary>Viewers with an impression.</summary>
        public HashSet<string> Viewers { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>The first day of the week, in the site's time zone.</summary>
    public DateOnly First { get; }

    /// <summary>The last day (the server's today once the traffic is sent).</summary>
    public DateOnly Last { get; }

    /// <summary>The number of days.</summary>
    public int Days => Last.DayNumber - First.DayNumber + 1;

    /// <summary>Slots asked for on the site.</summary>
    public long Requested { get; private set; }

    /// <summary>Of those, slots filled.</summary>
    public long Filled { get; private set; }

    /// <summary>Per campaign that filled a slot.</summary>
    public IReadOnlyDictionary<string, Sent> Campaigns => _campaigns;

    /// <summary>What the campaigns of <paramref name="advertiserId"/> were sent, added up; viewers as the union.</summary>
    public Sent Of(string advertiserId)
    {
        var total = new Sent();
        foreach (var sent in _campaigns.Where(c => DemoCatalog.AdvertiserOf(c.Key) == advertiserId).Select(c => c.Value))
        {
            total.Served += sent.Served;
            total.Impressions += sent.Impressions;
            total.Viewable += sent.Viewable;
            total.Clicks += sent.Clicks;
            total.Viewers.UnionWith(sent.Viewers);
        }

        return total;
    }

    /// <summary>
    /// Sends <paramref name="pagesPerDay"/>[d] page views on day d from the server's today on, spread from 07:00 (or
    /// now, on the first day) to 23:30 site time; readers, sections, countries and devices drawn from
    /// <paramref name="seed"/>. One page in four is a live blog with eight half-page slots down its side, more than
    /// the catalog has half-page creatives for, so that some are not filled.
    /// </summary>
    public static async Task<WeekOfTraffic> SendAsync(HttpClient client, FakeTimeProvider clock, IReadOnlyList<int> pagesPerDay, int seed)
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), SiteZone).DateTime);
        var traffic = new WeekOfTraffic(today, today.AddDays(pagesPerDay.Count - 1));
        var random = new Random(seed);
        var page = 0;
        for (var d = 0; d < pagesPerDay.Count; d++)
        {
            var day = today.AddDays(d);
            var morning = Utc(day, 7, 0);
            var start = morning > clock.GetUtcNow() ? morning : clock.GetUtcNow().AddMinutes(1);
            var end = Utc(day, 23, 30);

            // Viewability and clicks differ from day to day, as they do with what a site publishes.
            var viewableShare = 0.45 + (0.05 * ((d * 3) % 7));
            var clickShare = 0.02 + (0.01 * (d % 3));
            for (var p = 0; p < pagesPerDay[d]; p++, page++)
            {
                clock.SetUtcNow(start + ((end - start) * p / pagesPerDay[d]));
                await traffic.PageAsync(client, random, page, viewableShare, clickShare);
            }
        }

        return traffic;
    }

    /// <summary><c>yyyy-MM-dd</c>, as reports and the query form write days.</summary>
    public static string Format(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateTimeOffset Utc(DateOnly day, int hour, int minute) =>
        new(TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(new TimeOnly(hour, minute)), SiteZone), TimeSpan.Zero);

    private async Task PageAsync(HttpClient client, Random random, int page, double viewableShare, double clickShare)
    {
        var section = s_sections[random.Next(s_sections.Length)];
        var country = s_countries[random.Next(s_countries.Length)];
        var userAgent = random.Next(3) == 0 ? DesktopUserAgent : AdsServerFactory.BrowserUserAgent;
        var viewer = $"reader-{random.Next(60)}";
        var slots = new JsonArray(
            Slot("top", "article-top"), Slot("inline", "article-inline"), Slot("side", "sidebar"), Slot("foot", "footer"));
        if (page % 4 == 0)
        {
            for (var r = 1; r <= 8; r++)
            {
                slots.Add(Slot($"rail-{r}", "sidebar", "300x600"));
            }
        }

        var body = new JsonObject
        {
            ["site"] = "suara",
            ["page"] = new JsonObject { ["url"] = $"https://suara.example/{section}/2026/12/story-{page}", ["section"] = section, ["language"] = "en" },
            ["slots"] = slots,
            ["user"] = new JsonObject { ["id"] = viewer },
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/decisions") { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        request.Headers.UserAgent.ParseAdd(userAgent);
        request.Headers.Add("CF-IPCountry", country); // as the CDN in front of the server says
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var decision = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        Assert.Null(decision["errors"]);

        foreach (var (_, slot) in decision["slots"]!.AsObject())
        {
            Requested++;
            if (slot is null)
            {
                continue;
            }

            Filled++;
            var campaign = (string)slot["campaignId"]!;
            if (!_campaigns.TryGetValue(campaign, out var sent))
            {
                _campaigns[campaign] = sent = new Sent();
            }

            sent.Served++;

            // One ad in ten never renders: the reader left first.
            if (random.NextDouble() < 0.1)
            {
                continue;
            }

            Assert.Equal(HttpStatusCode.NoContent, await BeaconAsync(client, (string)slot["impressionUrl"]!, userAgent));
            sent.Impressions++;
            sent.Viewers.Add(viewer);
            if (random.NextDouble() < viewableShare)
            {
                Assert.Equal(HttpStatusCode.NoContent, await BeaconAsync(client, (string)slot["viewableUrl"]!, userAgent));
                sent.Viewable++;
            }

            if (random.NextDouble() < clickShare)
            {
                Assert.Equal(HttpStatusCode.Redirect, await BeaconAsync(client, (string)slot["clickUrl"]!, userAgent));
                sent.Clicks++;
            }
        }
    }

    private static JsonObject Slot(string id, string placement, string? size = null)
    {
        var slot = new JsonObject { ["id"] = id, ["placement"] = placement };
        if (size is not null)
        {
            slot["sizes"] = new JsonArray(size);
        }

        return slot;
    }

    private static async Task<HttpStatusCode> BeaconAsync(HttpClient client, string url, string userAgent)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(url, UriKind.RelativeOrAbsolute));
        request.Headers.UserAgent.ParseAdd(userAgent);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }
}
