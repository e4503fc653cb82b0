using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Suara.Ads.Core.Snapshot;
using Suara.Ads.Core.Utilities;
using Suara.Ads.Server.Hosting;

namespace Suara.Ads.Server.Reports;

/// <summary>
/// <c>/v1/reports/*</c>: counts by day or hour in the site's time zone, as JSON or CSV, for the admin key or the
/// advertiser's own report key (<see cref="Policies.Reports"/>). Another advertiser's campaign is a 404, so a key cannot
/// probe what exists.
/// </summary>
internal static class ReportsApi
{
    public static IEndpointRouteBuilder MapReportsApi(this IEndpointRouteBuilder app)
    {
        var reports = app.MapGroup("/v1/reports")
            .WithTags("Reports")
            .RequireAuthorization(Policies.Reports)
            .WithMetadata(new KeyHint("Reports need 'Authorization: Bearer <report key>' (the advertiser's) or the admin key."))
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .AddEndpointFilter(RedisAway);

        reports.MapGet("/campaigns/{id}", async (string id, string? from, string? to, string? granularity, string? format, ClaimsPrincipal user, CatalogSnapshotHolder catalog, ReportService service, TimeProvider time) =>
        {
            var snapshot = catalog.Current;
            snapshot.CampaignsById.TryGetValue(id, out var campaign);
            if (!user.MayReadReportsOf(campaign?.AdvertiserId))
            {
                // A key that may not read this report learns nothing about what exists.
                return NotFound("report", "");
            }

            if (campaign is null)
            {
                return NotFound("campaign", id);
            }

            var zone = snapshot.ZoneOf(campaign);
            var (hourly, csv, first, last, refused) = Query(from, to, granularity, format, zone, time, service);
            if (refused is not null)
            {
                return refused;
            }

            var report = await service.CampaignAsync(campaign, zone, first, last, hourly).ConfigureAwait(false);
            if (!csv)
            {
                return new CampaignJsonReport(report);
            }

            var csvText = new Csv([.. CampaignColumns]);
            foreach (var r in report.Rows)
            {
                Counts(csvText.Text(r.Time).Text(r.CreativeId).Text(r.Placement), r).Text(report.Totals.Currency).EndRow();
            }

            (report.Rows as IDisposable)?.Dispose();
            return Results.File(csvText.ToBytes(), "text/csv; charset=utf-8", $"{campaign.Id}-{report.From}-{report.To}.csv");
        }).Produces<CampaignReport>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);

        reports.MapGet("/advertisers/{id}", async (string id, string? from, string? to, string? format, ClaimsPrincipal user, CatalogSnapshotHolder catalog, ReportService service, TimeProvider time) =>
        {
            var snapshot = catalog.Current;
            var known = snapshot.Document.Advertisers.Any(a => a.Id == id);
            if (!user.MayReadReportsOf(known ? id : null))
            {
                // A key that may not read this report learns nothing about what exists.
                return NotFound("report", "");
            }

            if (!known)
            {
                return NotFound("advertiser", id);
            }

            var campaigns = snapshot.Campaigns.Where(c => c.AdvertiserId == id).Select(c => (c, snapshot.ZoneOf(c))).ToArray();
            var zone = campaigns.Length > 0 ? campaigns[0].Item2 : TimeZoneInfo.Utc;
            var errors = new ValidationErrors();
            var csv = Csv(format, errors);
            var (first, last) = Range(from, to, zone, time, ReportService.MaxDays, errors);
            if (!errors.IsEmpty)
            {
                return Problems.Validation(errors, "The report query is not valid.");
            }

            if (!service.IsAvailable)
            {
                return Unavailable();
            }

            var report = await service.AdvertiserAsync(id, campaigns, first, last).ConfigureAwait(false);
            if (!csv)
            {
                return new JsonReport<AdvertiserReport>(report, ReportsJsonContext.Written.AdvertiserReport);
            }

            // Every row has its time: here the whole range, as an ISO 8601 interval of local days.
            var csvText = new Csv([.. AdvertiserColumns]);
            var range = $"{report.From}/{report.To}";
            foreach (var r in report.Rows)
            {
                Counts(csvText.Text(range).Text(r.CampaignId).Text(r.Name), r).Text(r.Currency).Number(r.Reach).EndRow();
            }

            return Results.File(csvText.ToBytes(), "text/csv; charset=utf-8", $"{id}-{report.From}-{report.To}.csv");
        }).Produces<AdvertiserReport>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);

        app.MapGet("/v1/reports/sites/{id}", async (string id, string? from, string? to, string? granularity, string? format, CatalogSnapshotHolder catalog, ReportService service, TimeProvider time) =>
        {
            var snapshot = catalog.Current;
            if (!snapshot.Sites.TryGetValue(id, out var site))
            {
                return NotFound("site", id);
            }

            var zone = site.TimeZone;
            var (hourly, csv, first, last, refused) = Query(from, to, granularity, format, zone, time, service);
            if (refused is not null)
            {
                return refused;
            }

            var report = await service.SiteAsync(snapshot, id, zone, first, last, hourly).ConfigureAwait(false);
            if (!csv)
            {
                return new JsonReport<SiteReport>(report, ReportsJsonContext.Written.SiteReport);
            }

            var text = new Csv("time", "placement", "requested", "filled", "fillRate", "impressions", "viewable", "clicks", "revenue", "currency", "revenueByCurrency");
            foreach (var r in report.Rows)
            {
                // Amounts in several currencies are never added up: they go, each with its currency, in the last cell.
                var several = r.RevenueByCurrency is { } byCurrency
                    ? string.Join("; ", byCurrency.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Key} {c.Value:0.00}")))
                    : null;
                text.Text(r.Time).Text(r.Placement).Number(r.Requested).Number(r.Filled).Number(r.FillRate)
                    .Number(r.Impressions).Number(r.Viewable).Number(r.Clicks).Money(r.Revenue).Text(r.Currency).Text(several).EndRow();
            }

            return Results.File(text.ToBytes(), "text/csv; charset=utf-8", $"{id}-{report.From}-{report.To}.csv");
        })
            .WithName("SiteReport")
            .WithTags("Reports")
            .RequireAuthorization(Policies.SiteReports)
            .WithMetadata(new KeyHint("The site report needs 'Authorization: Bearer <key>' of role admin, trafficker or reporter; an advertiser's report key may not read it."))
            .Produces<SiteReport>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .AddEndpointFilter(RedisAway);

        // The report pages for people (wwwroot/reports/); static files are served without default documents.
        app.MapGet("/reports", () => Results.Redirect("/reports/index.html")).ExcludeFromDescription();
        return app;
    }

    private static (DateOnly From, DateOnly To) Range(string? from, string? to, TimeZoneInfo zone, TimeProvider time, int maxDays, ValidationErrors errors)
    {
        var last = to is null ? Today(zone, time) : Day(to, "to", errors);
        var first = from is null ? last.AddDays(-29) : Day(from, "from", errors);
        if (errors.IsEmpty && first > last)
        {
            errors.Add("from", "must not be after to");
        }
        else if (errors.IsEmpty && last.DayNumber - first.DayNumber + 1 > maxDays)
        {
            errors.Add("to", $"the range may span at most {maxDays} days for this granularity");
        }

        return (first, last);
    }

    /// <summary>A report's query, checked: the granularity, the format, the range (and the hourly retention); or why it is refused.</summary>
    private static (bool Hourly, bool Csv, DateOnly From, DateOnly To, IResult? Refused) Query(string? from, string? to, string? granularity, string? format, TimeZoneInfo zone, TimeProvider time, ReportService service)
    {
        var errors = new ValidationErrors();
        var hourly = Granularity(granularity, errors);
        var csv = Csv(format, errors);
        var (first, last) = Range(from, to, zone, time, hourly ? ReportService.MaxHourlyDays : ReportService.MaxDays, errors);
        HourlyRetained(hourly, first, zone, time, service, errors);
        IResult? refused = !errors.IsEmpty ? Problems.Validation(errors, "The report query is not valid.")
            : !service.IsAvailable ? Unavailable()
            : null;
        return (hourly, csv, first, last, refused);
    }

    /// <summary>
    /// A report as JSON, serialised in one synchronous pass (the serializer's fast path) straight into the response's
    /// pipe and flushed once, rather than streamed with an await per buffer or copied from one big array: a long hourly
    /// report is megabytes.
    /// </summary>
    private sealed class JsonReport<T>(T report, JsonTypeInfo<T> type) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.ContentType = "application/json; charset=utf-8";
            using (var writer = new Utf8JsonWriter(httpContext.Response.BodyWriter))
            {
                JsonSerializer.Serialize(writer, report, type);
            }

            await httpContext.Response.BodyWriter.FlushAsync(httpContext.RequestAborted).ConfigureAwait(false);
        }
    }

    /// <summary>A campaign report as JSON, streamed row by row (<see cref="CampaignReportJson"/>): it can be tens of megabytes.</summary>
    private sealed class CampaignJsonReport(CampaignReport report) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.ContentType = "application/json; charset=utf-8";
            try
            {
                await CampaignReportJson.WriteAsync(httpContext.Response.BodyWriter, report, httpContext.RequestAborted).ConfigureAwait(false);
            }
            finally
            {
                (report.Rows as IDisposable)?.Dispose();
            }
        }
    }

    private static bool Granularity(string? granularity, ValidationErrors errors) => granularity switch
    {
        null or "day" => false,
        "hour" => true,
        _ => Invalid(errors, "granularity", "must be day or hour"),
    };

    /// <summary>An hourly report may not reach back beyond the hourly retention: those hours are gone (their days are not).</summary>
    private static void HourlyRetained(bool hourly, DateOnly first, TimeZoneInfo zone, TimeProvider time, ReportService service, ValidationErrors errors)
    {
        var today = Today(zone, time);
        if (hourly && errors.IsEmpty && today.DayNumber - first.DayNumber >= service.HourlyDays)
        {
            errors.Add("from", string.Create(CultureInfo.InvariantCulture, $"hourly detail is kept for {service.HourlyDays} days (Ads:Reports:HourlyRetention): ask for hours from {today.AddDays(1 - service.HourlyDays):yyyy-MM-dd}, or by day"));
        }
    }

    private static DateOnly Today(TimeZoneInfo zone, TimeProvider time) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), zone).DateTime);

    private static DateOnly Day(string text, string field, ValidationErrors errors)
    {
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return day;
        }

        errors.Add(field, "must be a date as yyyy-MM-dd");
        return default;
    }

    /// <summary>The count columns every CSV row shares; the columns added later come last, so older readers keep working.</summary>
    private static readonly string[] CountColumns =
        ["served", "impressions", "viewable", "clicks", "ctr", "invalid", "invalidBot", "invalidPrefetch", "invalidNoImpression", "invalidFlood", "invalidNoUserAgent", "viewableRate", "spend"];

    private static readonly string[] CampaignColumns = ["time", "creativeId", "placement", .. CountColumns, "currency"];

    private static readonly string[] AdvertiserColumns = ["time", "campaignId", "name", .. CountColumns, "currency", "reach"];

    private static Csv Counts(Csv csv, ReportCounts r)
    {
        var i = r.InvalidByReason ?? new InvalidCounts();
        return csv.Number(r.Served).Number(r.Impressions).Number(r.Viewable).Number(r.Clicks).Number(r.Ctr)
            .Number(r.Invalid).Number(i.Bot).Number(i.Prefetch).Number(i.NoImpression).Number(i.Flood).Number(i.NoUserAgent)
            .Number(r.ViewableRate).Money(r.Spend);
    }

    private static bool Csv(string? format, ValidationErrors errors) => format switch
    {
        null or "json" => false,
        "csv" => true,
        _ => Invalid(errors, "format", "must be json or csv"),
    };

    private static bool Invalid(ValidationErrors errors, string field, string message)
    {
        errors.Add(field, message);
        return false;
    }

    private static ProblemHttpResult NotFound(string kind, string id) => Problems.NotFound(id.Length == 0 ? "There is no such report for this key." : $"There is no {kind} '{id}' for this key.");

    /// <summary>A report whose reads fail (Redis gone, or too slow to answer) is a 503 with a problem body, not a 500.</summary>
    private static async ValueTask<object?> RedisAway(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException)
        {
            return Unavailable();
        }
    }

    private static ProblemHttpResult Unavailable() => Problems.StoreUnavailable("Counts unavailable.", "The counters (Redis) cannot be reached right now; try again shortly.");
}
