using System.Globalization;
using System.Text;
using Suara.Ads.Core.Snapshot;
using Suara.Ads.Core.Utilities;
using Suara.Ads.Server.Catalog;
using Suara.Ads.Server.Contracts;
using Suara.Ads.Server.Reports;
using Suara.Ads.Server.Security;

namespace Suara.Ads.Server.Apis;

/// <summary>
/// <c>/v1/reports/*</c>: counts by day or hour in the site's time zone, as JSON or CSV, for the admin key or the
/// advertiser's own report key. Another advertiser's campaign is a 404, so a key cannot probe what exists.
/// </summary>
internal static class ReportsApi
{
    public static IEndpointRouteBuilder MapReportsApi(this IEndpointRouteBuilder app)
    {
        var reports = app.MapGroup("/v1/reports").WithTags("Reports").ProducesProblem(StatusCodes.Status401Unauthorized);

        reports.MapGet("/campaigns/{id}", async (string id, string? from, string? to, string? granularity, string? format, HttpContext http, CatalogSnapshotHolder catalog, CatalogService keys, AdminKeyProvider admin, ReportService service, TimeProvider time) =>
        {
            var snapshot = catalog.Current;
            snapshot.CampaignsById.TryGetValue(id, out var campaign);
            var denied = await AuthorizeAsync(http, admin, keys, campaign?.AdvertiserId).ConfigureAwait(false);
            if (denied is not null)
            {
                return denied;
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
                return Results.Json(report, AdsJsonContext.Default.CampaignReport);
            }

            var text = new StringBuilder("time,creativeId,placement,served,impressions,viewable,clicks,ctr\n");
            foreach (var r in report.Rows)
            {
                text.Append(CultureInfo.InvariantCulture, $"{r.Time},{r.CreativeId},{r.Placement},{r.Served},{r.Impressions},{r.Viewable},{r.Clicks},{r.Ctr}\n");
            }

            return Results.File(Encoding.UTF8.GetBytes(text.ToString()), "text/csv; charset=utf-8", $"{campaign.Id}-{report.From}-{report.To}.csv");
        }).Produces<CampaignReport>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);

        reports.MapGet("/advertisers/{id}", async (string id, string? from, string? to, string? format, HttpContext http, CatalogSnapshotHolder catalog, CatalogService keys, AdminKeyProvider admin, ReportService service, TimeProvider time) =>
        {
            var snapshot = catalog.Current;
            var known = snapshot.Document.Advertisers.Any(a => a.Id == id);
            var denied = await AuthorizeAsync(http, admin, keys, known ? id : null).ConfigureAwait(false);
            if (denied is not null)
            {
                return denied;
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
                return Results.Json(report, AdsJsonContext.Default.AdvertiserReport);
            }

            var text = new StringBuilder("campaignId,name,served,impressions,viewable,clicks,ctr\n");
            foreach (var r in report.Rows)
            {
                text.Append(CultureInfo.InvariantCulture, $"{r.CampaignId},\"{r.Name.Replace("\"", "\"\"", StringComparison.Ordinal)}\",{r.Served},{r.Impressions},{r.Viewable},{r.Clicks},{r.Ctr}\n");
            }

            return Results.File(Encoding.UTF8.GetBytes(text.ToString()), "text/csv; charset=utf-8", $"{id}-{report.From}-{report.To}.csv");
        }).Produces<AdvertiserReport>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);

        return app;
    }

    /// <summary>
    /// The admin key reads everything; an advertiser's report key reads that advertiser's reports. Anything else with a
    /// key is answered as if the report did not exist (404); no key at all is a 401.
    /// </summary>
    private static async Task<IResult?> AuthorizeAsync(HttpContext http, AdminKeyProvider admin, CatalogService keys, string? advertiserId)
    {
        var token = SecretComparer.BearerToken(http.Request.Headers.Authorization);
        if (string.IsNullOrEmpty(token))
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return Problems.Unauthorized("Reports need 'Authorization: Bearer <report key>' (the advertiser's) or the admin key.");
        }

        if (admin.IsAdmin(http) || (advertiserId is not null && await keys.IsReportKeyAsync(advertiserId, token).ConfigureAwait(false)))
        {
            return null;
        }

        return NotFound("report", "");
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

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult NotFound(string kind, string id) => TypedResults.Problem(
        detail: id.Length == 0 ? "There is no such report for this key." : $"There is no {kind} '{id}' for this key.",
        statusCode: StatusCodes.Status404NotFound,
        title: "Not found.",
        type: "https://suara-ads.example/problems/not-found");

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult Unavailable() => TypedResults.Problem(
        detail: "The counters (Redis) cannot be reached right now; try again shortly.",
        statusCode: StatusCodes.Status503ServiceUnavailable,
        title: "Counts unavailable.",
        type: "https://suara-ads.example/problems/store-unavailable");
}
