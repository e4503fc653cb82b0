using Microsoft.Extensions.Options;
using Suara.Ads.Core.Selection;
using Suara.Ads.Core.Snapshot;
using Suara.Ads.Core.Utilities;
using Suara.Ads.Server.Hosting;

namespace Suara.Ads.Server.Decisions;

/// <summary>
/// What every way of asking for ads shares (<c>POST /v1/decisions</c>, <c>GET /v1/slot.html</c>): map the body with the
/// trusted headers and the User-Agent, check it against the catalog in force, decide, and count the outcome.
/// </summary>
internal sealed class DecisionPipeline
{
    private readonly CatalogSnapshotHolder _catalog;
    private readonly DecisionService _decisions;
    private readonly AdsOptions _options;
    private readonly AdsMetrics _metrics;

    public DecisionPipeline(CatalogSnapshotHolder catalog, DecisionService decisions, IOptions<AdsOptions> options, AdsMetrics metrics)
    {
        _catalog = catalog;
        _decisions = decisions;
        _options = options.Value;
        _metrics = metrics;
    }

    public async Task<DecisionOutcome> RunAsync(HttpContext http, DecisionRequestBody body, bool explain, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var request = DecisionRequestMapper.Map(
            body,
            http.Request.Headers.UserAgent,
            http.Request.Headers[_options.TrustedCountryHeader],
            http.Request.Headers[_options.TrustedRegionHeader],
            errors);
        if (request is null)
        {
            return DecisionOutcome.Failure(errors, "is not valid.");
        }

        // The engine checks the request against the catalog while it decides (once, allocating only on an error).
        // Until per-slot errors land, one slot it cannot decide refuses the whole request, as before.
        var result = await _decisions.DecideAsync(_catalog.Current, request, explain, cancellationToken).ConfigureAwait(false);
        if (result.Errors is { } catalogErrors)
        {
            return DecisionOutcome.Failure(catalogErrors, "names a site or placement that is not in the catalog.");
        }

        var filled = 0;
        for (var i = 0; i < result.Slots.Count; i++)
        {
            filled += result.Slots[i] is null ? 0 : 1;
        }

        _metrics.Decision(filled, result.Slots.Count - filled);
        return DecisionOutcome.Success(request, result);
    }
}
