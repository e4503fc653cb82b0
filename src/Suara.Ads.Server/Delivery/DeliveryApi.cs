using System.Text.Json;
using System.Text.Json.Serialization;
using StackExchange.Redis;
using Suara.Ads.Core.Counting;
using Suara.Ads.Core.Catalog;
using Suara.Ads.Core.Selection;
using Suara.Ads.Core.Snapshot;
using Suara.Ads.Server.Hosting;

namespace Suara.Ads.Server.Delivery;

/// <summary>
/// <c>GET /v1/admin/delivery?limit=50&amp;after=</c>: a page of campaigns with what they delivered today and over the
/// flight against their goal, and whether even delivery is on track, behind or ahead: what ad-ops check every morning.
/// One pipelined Redis round trip per page, whatever its size (one <c>HMGET</c> per campaign, sent together).
/// </summary>
internal static class DeliveryApi
{
    public const int MaxPage = 200;

    /// <summary>Delivery within this share of the even line is "on track".</summary>
    public const double Tolerance = 0.10;

    public static IEndpointRouteBuilder MapDeliveryApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/admin/delivery", async (int? limit, string? after, CatalogSnapshotHolder catalog, RedisConnection redis, DeliveryKeys keys, TimeProvider time) =>
        {
            if (limit is < 1 or > MaxPage)
            {
                return Problems.BadRequest("The query is not valid.", "limit", $"must be between 1 and {MaxPage}");
            }

            if (!redis.IsConnected)
            {
                return Problems.StoreUnavailable("Delivery unavailable.", "Redis cannot be reached right now; try again shortly.");
            }

            var snapshot = catalog.Current;
            var size = limit ?? 50;
            var page = snapshot.Campaigns
                .Where(c => after is null || string.CompareOrdinal(c.Id, after) > 0)
                .OrderBy(c => c.Id, StringComparer.Ordinal)
                .Take(size + 1)
                .ToList();
            string? next = null;
            if (page.Count > size)
            {
                page.RemoveAt(size);
                next = page[^1].Id;
            }

            var now = time.GetUtcNow();
            // One pipelined round trip for the page: the reads go out together in one batch, then are awaited together.
            var batch = redis.Database.CreateBatch();
            var reads = page.Select(c =>
            {
                var day = (int)(TimeZoneInfo.ConvertTime(now, snapshot.ZoneOf(c)).DateTime.Ticks / TimeSpan.TicksPerDay);
                return (Campaign: c, Day: day, Values: batch.HashGetAsync(keys.Delivery(c.Id), ["total", DeliveryKeys.DayField(day), "clicks", DeliveryKeys.ClickDayField(day)]));
            }).ToList();
            // And the campaigns' fields in their groups' delivery hashes (docs/redis.md, "Counting groups"): one read a group.
            var groupReads = reads.GroupBy(r => CounterGroups.Of(r.Campaign.Id)).Select(g =>
            {
                var members = g.ToList();
                var fields = members.SelectMany(r => new RedisValue[]
                {
                    DeliveryKeys.GroupField(r.Campaign.Id, "t"),
                    DeliveryKeys.GroupField(r.Campaign.Id, DeliveryKeys.GroupDayField(r.Day)),
                    DeliveryKeys.GroupField(r.Campaign.Id, "c"),
                    DeliveryKeys.GroupField(r.Campaign.Id, DeliveryKeys.GroupClickDayField(r.Day)),
                }).ToArray();
                return (Members: members, Values: batch.HashGetAsync(keys.GroupDelivery(g.Key), fields));
            }).ToList();
            batch.Execute();
            await Task.WhenAll(reads.Select(r => r.Values).Concat(groupReads.Select(g => g.Values))).ConfigureAwait(false);

            var inGroups = new Dictionary<string, long[]>(StringComparer.Ordinal);
            foreach (var (members, values) in groupReads)
            {
                for (var i = 0; i < members.Count; i++)
                {
                    var v = values.Result;
                    var day = members[i].Day;
                    inGroups[members[i].Campaign.Id] =
                    [
                        Long(v[4 * i]), DeliveryKeys.GroupDayCount(v[(4 * i) + 1], day), Long(v[(4 * i) + 2]), DeliveryKeys.GroupDayCount(v[(4 * i) + 3], day),
                    ];
                }
            }

            var rows = reads.Select(r =>
            {
                var own = r.Values.Result;
                var group = inGroups[r.Campaign.Id];
                return Row(r.Campaign, snapshot.ZoneOf(r.Campaign), [Long(own[0]) + group[0], Long(own[1]) + group[1], Long(own[2]) + group[2], Long(own[3]) + group[3]], now);
            }).ToList();
            return Results.Json(new DeliveryPage { Campaigns = rows, Next = next }, DeliveryJsonContext.Default.DeliveryPage);
        })
            .WithName("Delivery")
            .WithTags("Admin")
            .RequireAuthorization(Policies.CatalogRead)
            .WithMetadata(new KeyHint("Delivery needs 'Authorization: Bearer <key>' of role admin, trafficker or reporter."))
            .Produces<DeliveryPage>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return app;
    }

    private static long Long(RedisValue v) => v.TryParse(out long n) ? n : 0;

    /// <param name="c">The campaign.</param>
    /// <param name="zone">Its time zone.</param>
    /// <param name="values">Counted impressions in the flight and today, counted clicks in the flight and today.</param>
    /// <param name="now">Now.</param>
    private static DeliveryRow Row(CompiledCampaign c, TimeZoneInfo zone, long[] values, DateTimeOffset now)
    {
        var clicks = c.GoalUnits > 0 && c.GoalMetric == GoalMetric.Clicks;
        var flight = clicks ? values[2] : values[0];
        var today = clicks ? values[3] : values[1];
        var row = new DeliveryRow
        {
            CampaignId = c.Id,
            Name = c.Source.Name,
            AdvertiserId = c.AdvertiserId,
            Status = c.Source.Status,
            Start = c.Source.Start,
            End = c.Source.End,
            Unit = clicks ? "clicks" : "impressions",
            Today = today,
            Flight = flight,
        };
        if (c.GoalUnits <= 0 || c.Source.Goal is not { } goal)
        {
            return row with { Pacing = "no goal" };
        }

        var local = TimeZoneInfo.ConvertTime(now, zone).DateTime;
        var dayStart = new DateTimeOffset(local.Date, zone.GetUtcOffset(local.Date)).UtcTicks;
        var (delivered, windowStart, windowEnd) = goal.Per == "day"
            ? (today, Math.Max(dayStart, c.StartUtcTicks), Math.Min(dayStart + TimeSpan.TicksPerDay, c.EndUtcTicks))
            : (flight, c.StartUtcTicks, c.EndUtcTicks);
        var expected = EvenPacing.Allowance(c.GoalUnits, windowStart, windowEnd, now.UtcTicks) - Math.Max(1.0, c.GoalUnits * EvenPacing.Lead);
        var pacing = delivered >= c.GoalUnits ? "reached"
            : !c.InFlight(now.UtcTicks) ? (now.UtcTicks < c.StartUtcTicks ? "not started" : "ended")
            : delivered > expected * (1 + Tolerance) + 1 ? "ahead"
            : delivered < expected * (1 - Tolerance) - 1 ? "behind"
            : "on track";
        return row with { Goal = c.GoalUnits, GoalPer = goal.Per, Expected = (long)Math.Round(Math.Max(0, expected)), Pacing = pacing };
    }
}

/// <summary>One campaign's delivery against its goal.</summary>
internal sealed record DeliveryRow
{
    public required string CampaignId { get; init; }

    public required string Name { get; init; }

    public required string AdvertiserId { get; init; }

    public required string Status { get; init; }

    public DateTimeOffset? Start { get; init; }

    public DateTimeOffset? End { get; init; }

    /// <summary>What <see cref="Today"/>, <see cref="Flight"/> and <see cref="Goal"/> count: impressions or clicks (a spend goal in the unit its rate prices).</summary>
    public required string Unit { get; init; }

    /// <summary>Counted today (the site's day).</summary>
    public long Today { get; init; }

    /// <summary>Counted over the flight.</summary>
    public long Flight { get; init; }

    /// <summary>The goal in <see cref="Unit"/>; absent without one.</summary>
    public long? Goal { get; init; }

    /// <summary><c>flight</c> or <c>day</c>.</summary>
    public string? GoalPer { get; init; }

    /// <summary>What even delivery would have reached by now in the goal's period.</summary>
    public long? Expected { get; init; }

    /// <summary><c>on track</c>, <c>behind</c>, <c>ahead</c>, <c>reached</c>, <c>not started</c>, <c>ended</c> or <c>no goal</c>.</summary>
    public string Pacing { get; init; } = "";
}

/// <summary><c>GET /v1/admin/delivery</c>.</summary>
internal sealed record DeliveryPage
{
    public required IReadOnlyList<DeliveryRow> Campaigns { get; init; }

    /// <summary>The <c>after</c> of the next page; absent on the last.</summary>
    public string? Next { get; init; }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(DeliveryPage))]
internal sealed partial class DeliveryJsonContext : JsonSerializerContext;
