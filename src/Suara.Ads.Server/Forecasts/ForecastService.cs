using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Options;
using Suara.Ads.Core.Catalog;
using Suara.Ads.Core.Delivery;
using Suara.Ads.Core.Forecasting;
using Suara.Ads.Core.Snapshot;
using Suara.Ads.Core.Utilities;
using Suara.Ads.Server.Hosting;

namespace Suara.Ads.Server.Forecasts;

/// <summary>
/// A forecast: the draft validated as the admin API validates a campaign, put into (or over its namesake in) the catalog
/// in force, compiled into a snapshot, and the recorded sample of its sites replayed through the engine on it for the
/// range (after warm-up days from today when the range starts later), day by day in the site's time zone.
/// </summary>
internal sealed class ForecastService
{
    /// <summary>Most days a range may have, and most days ahead it may start.</summary>
    public const int MaxDays = 92;

    private readonly CatalogSnapshotHolder _catalog;
    private readonly TrafficSampleStore _store;
    private readonly IDeliveryLedger _delivery;
    private readonly TimeProvider _time;
    private readonly ILogger<ForecastService> _logger;
    private readonly int _retentionDays;

    // A forecast keeps the instance's cores busy for a second or more: one at a time, the others wait their turn.
    private readonly SemaphoreSlim _replaying = new(1, 1);

    public ForecastService(CatalogSnapshotHolder catalog, TrafficSampleStore store, IDeliveryLedger delivery, TimeProvider time, IOptions<AdsOptions> options, ILogger<ForecastService> logger)
    {
        _catalog = catalog;
        _store = store;
        _delivery = delivery;
        _time = time;
        _logger = logger;
        _retentionDays = Math.Max(1, (int)options.Value.TrafficSampleRetention.TotalDays);
    }

    /// <summary>The forecast, or the validation errors (by field) that keep it from being made.</summary>
    public async Task<(ForecastResponse? Forecast, ValidationErrors? Errors)> ForecastAsync(ForecastRequest body, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var current = _catalog.Current;
        var document = current.Document;
        if (body.Campaign is not { } draft)
        {
            errors.Add("campaign", "is required: a campaign as the admin API takes it, with its id");
        }
        else
        {
            CatalogValidator.ValidateCampaign(draft, "campaign.", errors, id => document.Advertisers.Any(a => a.Id == id), id => document.Placements.FirstOrDefault(p => p.Id == id));
        }

        if (body.From is not { } from)
        {
            errors.Add("from", "is required: the first day, YYYY-MM-DD");
        }

        if (body.To is not { } to)
        {
            errors.Add("to", "is required: the last day, YYYY-MM-DD");
        }

        if (body.From is { } f && body.To is { } t)
        {
            if (t < f)
            {
                errors.Add("to", "must not be before from");
            }
            else if (t.DayNumber - f.DayNumber + 1 > MaxDays)
            {
                errors.Add("to", $"the range may have at most {MaxDays} days");
            }
        }

        if (!errors.IsEmpty)
        {
            return (null, errors);
        }

        // The draft is forecast as if active (a forecast asks what it would deliver), in the catalog as it would be.
        var forecast = body.Campaign! with { Status = "active" };
        var campaigns = document.Campaigns.Where(c => c.Id != forecast.Id).Append(forecast).ToArray();
        if (!CatalogSnapshotBuilder.TryBuild(document with { Campaigns = campaigns }, current.Version, out var snapshot, out var catalogErrors))
        {
            return (null, catalogErrors);
        }

        var zone = snapshot!.ZoneOf(forecast.Id);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(_time.GetUtcNow(), zone).DateTime);
        if (body.From!.Value.DayNumber - today.DayNumber > MaxDays)
        {
            errors.Add("from", $"must be within {MaxDays} days from today ({today:yyyy-MM-dd} in {zone.Id})");
            return (null, errors);
        }

        await _replaying.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return (await ReplayAsync(forecast, body.From.Value, body.To!.Value, snapshot, zone, today, cancellationToken).ConfigureAwait(false), null);
        }
        finally
        {
            _replaying.Release();
        }
    }

    private async Task<ForecastResponse> ReplayAsync(Campaign forecast, DateOnly from, DateOnly to, CatalogSnapshot snapshot, TimeZoneInfo zone, DateOnly today, CancellationToken cancellationToken)
    {
        var document = snapshot.Document;
        var started = Stopwatch.GetTimestamp();
        var sites = forecast.Placements.Select(p => document.Placements.First(x => x.Id == p).Site).Distinct(StringComparer.Ordinal).ToArray();
        var recorded = await _store.LoadAsync(sites, today.AddDays(-_retentionDays), today.AddDays(-1), cancellationToken).ConfigureAwait(false);

        // A range that starts after today is preceded by the days from today, so that goals and caps have moved as they will have.
        var simulateFrom = from < today ? from : today;
        var days = ForecastPlanner.Plan(recorded, simulateFrom, from, to);
        var outcome = await Task.Run(() => ForecastReplay.Run(snapshot, forecast.Id, days, Delivered), cancellationToken).ConfigureAwait(false);
        var used = days.SelectMany(d => d.Sources).Select(s => s.Day).Distinct().ToArray();
        _logger.ForecastDone(forecast.Id, Day(from), Day(to), outcome.Replayed, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return new ForecastResponse
        {
            CampaignId = forecast.Id,
            From = from,
            To = to,
            Matched = Round(outcome.Matched),
            Available = Round(outcome.Available),
            ContendedWith = outcome.ContendedWith.Select(c => new ContendedImpressions { CampaignId = c.Key, Impressions = Round(c.Value) }).Where(c => c.Impressions > 0).ToArray(),
            Days = outcome.Days.Select(d => new ForecastDayResponse { Date = d.Date, Matched = Round(d.Matched), Available = Round(d.Available) }).ToArray(),
            Basis = new ForecastBasis
            {
                TimeZone = zone.Id,
                RecordedDays = used.Length,
                FirstDay = used.Length == 0 ? null : used.Min(d => d.Date),
                LastDay = used.Length == 0 ? null : used.Max(d => d.Date),
                SampledRequests = used.Sum(d => d.Counts.Sampled),
                Requests = used.Sum(d => d.Counts.Requests),
                ImpressionShare = used.Length == 0 ? 1 : Math.Round(used.Sum(d => d.ImpressionShare * d.Counts.Requests) / Math.Max(1, used.Sum(d => d.Counts.Requests)), 4),
                Replayed = outcome.Replayed,
            },
        };
    }

    /// <summary>What a campaign in force has delivered of its flight goal so far (a new id: nothing).</summary>
    private double Delivered(string campaignId) =>
        _catalog.Current.CampaignsById.TryGetValue(campaignId, out _) && _delivery.TryGetFlightDelivered(campaignId, out var delivered) ? delivered : 0;

    private static long Round(double impressions) => (long)Math.Round(impressions, MidpointRounding.AwayFromZero);

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
