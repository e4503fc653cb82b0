using System.Globalization;
using System.Security.Claims;
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
            .ProducesProblem(StatusCodes.Status403Forbidden);

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

            var zone = ZoneOf(snapshot, campaign);
            var errors = new ValidationErrors();
            var hourly = granularity switch
            {
                null or "day" => false,
                "hour" => true,
                _ => Invalid(errors, "granularity", "must be day or hour"),
            };
            var csv = Csv(format, errors);
            var (first, last) = Range(from, to, zone, time, hourly ? ReportService.MaxHourlyDays : ReportService.MaxDays, errors);
            if (!errors.IsEmpty)
            {
                return Problems.Validation(errors, "The report query is not valid.");
            }

            if (!service.IsAvailable)
            {
                return Unavailable();
            }

            var report = await service.CampaignAsync(campaign, zone, first, last, hourly).ConfigureAwait(false);
            if (!csv)
            {
                return Results.Json(report, ReportsJsonContext.Default.CampaignReport);
            }

            var text = new StringBuilder("time,creativeId,placement,served,impressions,viewable,clicks,ctr" + InvalidHeader);
            foreach (var r in report.Rows)
            {
                text.Append(CultureInfo.InvariantCulture, $"{r.Time},{r.CreativeId},{r.Placement},{r.Served},{r.Impressions},{r.Viewable},{r.Clicks},{r.Ctr}");
                InvalidColumns(text, r);
            }

            return Results.File(Encoding.UTF8.GetBytes(text.ToString()), "text/csv; charset=utf-8", $"{campaign.Id}-{report.From}-{report.To}.csv");
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

            var campaigns = snapshot.Campaigns.Where(c => c.AdvertiserId == id).Select(c => (c, ZoneOf(snapshot, c))).ToArray();
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
                return Results.Json(report, ReportsJsonContext.Default.AdvertiserReport);
            }

            var text = new StringBuilder("campaignId,name,served,impressions,viewable,clicks,ctr" + InvalidHeader);
            foreach (var r in report.Rows)
            {
                text.Append(CultureInfo.InvariantCulture, $"{r.CampaignId},\"{r.Name.Replace("\"", "\"\"", StringComparison.Ordinal)}\",{r.Served},{r.Impressions},{r.Viewable},{r.Clicks},{r.Ctr}");
                InvalidColumns(text, r);
            }

            return Results.File(Encoding.UTF8.GetBytes(text.ToString()), "text/csv; charset=utf-8", $"{id}-{report.From}-{report.To}.csv");
        }).Produces<AdvertiserReport>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);

        // The report pages for people (wwwroot/reports/); static files are served without default documents.
        app.MapGet("/reports", () => Results.Redirect("/reports/index.html")).ExcludeFromDescription();
        return app;
    }

    private static TimeZoneInfo ZoneOf(CatalogSnapshot snapshot, CompiledCampaign campaign) =>
        campaign.Source.Placements.Count > 0 && snapshot.Placements.TryGetValue(campaign.Source.Placements[0], out var placement)
            ? placement.Site.TimeZone
            : TimeZoneInfo.Utc;

    private static (DateOnly From, DateOnly To) Range(string? from, string? to, TimeZoneInfo zone, TimeProvider time, int maxDays, ValidationErrors errors)
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), zone).DateTime);
        var last = to is null ? today : Day(to, "to", errors);
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

    private static DateOnly Day(string text, string field, ValidationErrors errors)
    {
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return day;
        }

        errors.Add(field, "must be a date as yyyy-MM-dd");
        return default;
    }

    /// <summary>The invalid-traffic columns, last so that older readers of the CSV keep working.</summary>
    private const string InvalidHeader = ",invalid,invalidBot,invalidPrefetch,invalidNoImpression,invalidFlood,invalidNoUserAgent\n";

    private static void InvalidColumns(StringBuilder text, ReportCounts r)
    {
        var i = r.InvalidByReason;
        text.Append(CultureInfo.InvariantCulture, $",{r.Invalid},{i.Bot},{i.Prefetch},{i.NoImpression},{i.Flood},{i.NoUserAgent}\n");
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

    private static ProblemHttpResult Unavailable() => Problems.StoreUnavailable("Counts unavailable.", "The counters (Redis) cannot be reached right now; try again shortly.");
}
