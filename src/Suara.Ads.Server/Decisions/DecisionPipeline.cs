using Microsoft.Extensions.Options;
using Suara.Ads.Core.Counting;
using Suara.Ads.Core.Selection;
using Suara.Ads.Core.Snapshot;
using Suara.Ads.Core.Utilities;
using Suara.Ads.Server.Hosting;
using Suara.Ads.Server.Traffic;

namespace Suara.Ads.Server.Decisions;

/// <summary>
/// What every way of asking for ads shares (<c>POST /v1/decisions</c>, <c>GET /v1/slot.html</c>): map the body with the
/// trusted headers and the User-Agent, refuse a page outside the site's domains, tell invalid traffic, check the
/// request against the catalog in force, decide, and count the outcome. A reader who sends <c>Sec-GPC: 1</c> is served
/// as one whose page named no viewer (<see cref="PrivacySignals"/>).
/// </summary>
internal sealed class DecisionPipeline
{
    private readonly CatalogSnapshotHolder _catalog;
    private readonly DecisionService _decisions;
    private readonly TrafficFilter _traffic;
    private readonly AdsOptions _options;
    private readonly AdsMetrics _metrics;
    private readonly ITrafficRecorder _recorder;

    public DecisionPipeline(CatalogSnapshotHolder catalog, DecisionService decisions, TrafficFilter traffic, IOptions<AdsOptions> options, AdsMetrics metrics, ITrafficRecorder recorder)
    {
        _recorder = recorder;
        _catalog = catalog;
        _decisions = decisions;
        _traffic = traffic;
        _options = options.Value;
        _metrics = metrics;
    }

    /// <param name="http">The request.</param>
    /// <param name="body">The decision request.</param>
    /// <param name="explain">A dry run with the candidates' traces.</param>
    /// <param name="server">The caller presented a key of a role that may speak for its viewers (server or admin).</param>
    /// <param name="cancellationToken">Cancels the frequency read.</param>
    /// <param name="at">An explain's time, when it is not now.</param>
    public async Task<DecisionOutcome> RunAsync(HttpContext http, DecisionRequestBody body, bool explain, bool server, CancellationToken cancellationToken, DateTimeOffset? at = null)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var errors = new ValidationErrors();
        var slotErrors = new List<KeyValuePair<string, string>>();
        var request = DecisionRequestMapper.Map(
            body,
            http.Request.Headers.UserAgent,
            http.Request.Headers[_options.TrustedCountryHeader],
            http.Request.Headers[_options.TrustedRegionHeader],
            server,
            PrivacySignals.OptsOut(http.Request),
            errors,
            slotErrors);
        if (request is null)
        {
            return DecisionOutcome.Failure(errors, "is not valid.");
        }

        var snapshot = _catalog.Current;
        if (snapshot.Sites.TryGetValue(request.Site, out var site) && !SiteOrigins.Allows(site, http.Request, out var page))
        {
            // No CORS grant either: the browser must not read even the refusal.
            SiteCorsService.Deny(http);
            return DecisionOutcome.Refused(Problems.ForeignOrigin(
                $"Site '{request.Site}' serves its ads to pages of its own domains only, and the request came from {Describe(page)}."));
        }

        var invalid = explain ? InvalidReason.None : _traffic.ForDecision(http, request.UserId, request.FromBot, server);

        // The engine checks the request against the catalog while it decides (once, allocating only on an error): a
        // slot it cannot decide is a no-fill named in the answer's errors, and spoils nothing else. An unknown site, or
        // not one slot that could be decided, is a 400.
        var result = await _decisions.DecideAsync(snapshot, request, explain, cancellationToken, invalid, explain ? at : null).ConfigureAwait(false);
        if (result.Errors is { } catalogErrors)
        {
            return DecisionOutcome.Failure(catalogErrors, "names a site that is not in the catalog.");
        }

        if (result.SlotErrors is { } failed)
        {
            var decidable = 0;
            for (var i = 0; i < failed.Count; i++)
            {
                if (failed[i] is { } message)
                {
                    slotErrors.Add(new(request.Slots[i].Id, message));
                }
                else
                {
                    decidable++;
                }
            }

            if (decidable == 0)
            {
                var none = new ValidationErrors();
                foreach (var (slot, message) in slotErrors)
                {
                    none.Add(slot, message);
                }

                return DecisionOutcome.Failure(none, "has not one slot that can be decided: each names a placement the site lacks, or a size its placement lacks.");
            }
        }

        if (!explain && invalid == InvalidReason.None)
        {
            // The traffic sample for forecasts: counted and enqueued in memory, written in the background.
            _recorder.Decided(request, result);
        }

        var (filled, empty) = (0, 0);
        for (var i = 0; i < result.Slots.Count; i++)
        {
            var slot = result.Slots[i] is not null ? SlotResult.Filled : result.SlotValid(i) ? SlotResult.Empty : SlotResult.Error;
            filled += slot == SlotResult.Filled ? 1 : 0;
            empty += slot == SlotResult.Empty ? 1 : 0;
            var placement = request.Slots[i].Placement;
            _metrics.Slot(snapshot.Placements.ContainsKey(placement) ? placement : AdsMetrics.UnknownPlacement, slot);
        }

        _metrics.Decision();
        _metrics.DecisionTime(started, filled, empty);
        if (invalid != InvalidReason.None)
        {
            _metrics.Invalid("decision", invalid, filled);
        }

        return DecisionOutcome.Success(request, result, slotErrors.Count == 0 ? null : slotErrors);
    }

    // The page is the caller's own text: say only its host, and never more than a short one.
    private static string Describe(string? page) =>
        page is not null && Uri.TryCreate(page, UriKind.Absolute, out var uri) && uri.Host.Length is > 0 and <= 253
            ? $"a page of '{uri.Host}'"
            : "a page that names no host";
}
