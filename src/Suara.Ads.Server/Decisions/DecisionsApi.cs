using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Suara.Ads.Core.Selection;
using Suara.Ads.Server.Hosting;
using Suara.Ads.Server.Traffic;

namespace Suara.Ads.Server.Decisions;

/// <summary><c>POST /v1/decisions</c>: the public decision endpoint.</summary>
internal static class DecisionsApi
{
    public static IEndpointRouteBuilder MapDecisionsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/decisions", DecideAsync)
            .WithName("Decide")
            .WithTags("Decisions")
            .WithMetadata(new KeyHint("A key is optional here; the one presented is not known. explain=true needs 'Authorization: Bearer <Ads:AdminKey>'; body overrides of country, region and device need a server or admin key."))
            .RequireRateLimiting(RateLimits.Decisions)
            // JSON in any of these: ads.js sends text/plain to stay a CORS "simple" request, and `curl -d` sends a form type.
            .Accepts<DecisionRequestBody>("application/json", "text/plain", "application/x-www-form-urlencoded")
            .Produces<DecisionResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        return app;
    }

    private static async Task<IResult> DecideAsync(
        HttpContext http,
        DecisionPipeline pipeline,
        SlotRenderer renderer,
        IAuthorizationService authorization,
        CancellationToken cancellationToken)
    {
        // The endpoint is public; a key is read only when one is presented: explain needs one, and body overrides of the
        // viewer's country, region and device count only with a server (or admin) key. A key that is not known is refused
        // rather than silently ignored, so a misconfigured backend learns of it.
        var server = false;
        ClaimsPrincipal? caller = null;
        if (http.Request.Headers.Authorization.Count > 0)
        {
            var key = await http.AuthenticateAsync(ApiKeys.Scheme).ConfigureAwait(false);
            if (!key.Succeeded)
            {
                return TypedResults.Challenge();
            }

            caller = key.Principal;
            server = (await authorization.AuthorizeAsync(caller, Policies.DecisionOverrides).ConfigureAwait(false)).Succeeded;
        }

        var explain = false;
        if (http.Request.Query.TryGetValue("explain", out var explainValue))
        {
            if (!bool.TryParse(explainValue, out explain))
            {
                return Problems.BadRequest("The query is not valid.", "explain", "must be true or false");
            }

            if (explain && !(await authorization.AuthorizeAsync(caller ?? new ClaimsPrincipal(), Policies.Explain).ConfigureAwait(false)).Succeeded)
            {
                return caller is not null ? TypedResults.Forbid() : TypedResults.Challenge();
            }

            // An explain is a dry run that counts nothing, asked by ad-ops to see why a page of a given country or device
            // would not get an ad: whoever may explain may say the viewer's country, region and device for it.
            server |= explain;
        }

        // ?at=: an explain as of another time (the flight, hour and weekday targeting, even pacing's line), for "why
        // will this not serve tonight?"; delivery totals are those of now. Only a dry run may move the clock.
        DateTimeOffset? at = null;
        if (http.Request.Query.TryGetValue("at", out var atValue))
        {
            if (!explain)
            {
                return Problems.BadRequest("The query is not valid.", "at", "is only for explain=true: a counted decision is always made now");
            }

            if (!DateTimeOffset.TryParse(atValue, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal, out var parsed)
                || parsed.Year is < 2000 or > 2100)
            {
                return Problems.BadRequest("The query is not valid.", "at", "must be a date and time such as 2026-12-24T20:00:00Z (UTC unless an offset is given), between the years 2000 and 2100");
            }

            at = parsed;
        }

        var (body, problem) = await JsonBody.ReadAsync(http.Request, DecisionsJsonContext.Default.DecisionRequestBody, DecisionRequestMapper.MaxBodyBytes, "a decision request", cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        var outcome = await pipeline.RunAsync(http, body!, explain, server, cancellationToken, at).ConfigureAwait(false);
        if (!outcome.Decided)
        {
            return outcome.Problem();
        }

        var page = renderer.Render(http, outcome.Request, outcome.Result);
        return explain
            ? TypedResults.Json(Response(page, outcome.Request, outcome.Result, outcome.SlotErrors), DecisionsJsonContext.Response)
            : new DecisionJsonResult(page, outcome.Request, outcome.Result, outcome.SlotErrors);
    }

    internal static DecisionResponse Response(RenderedPage page, DecisionRequest request, DecisionResult result, IReadOnlyList<KeyValuePair<string, string>>? slotErrors)
    {
        var slots = new Dictionary<string, SlotResponse?>(page.Slots.Length, StringComparer.Ordinal);
        for (var i = 0; i < page.Slots.Length; i++)
        {
            if (!result.SlotValid(i))
            {
                continue; // named in errors below; a slot id given twice keeps the answer of its first slot
            }

            slots[request.Slots[i].Id] = page.Slots[i] is not { } slot ? null : new SlotResponse
            {
                CampaignId = slot.Decision.Campaign.Id,
                CreativeId = slot.Decision.Creative.Id,
                Format = slot.Decision.Creative.Format,
                Width = slot.Decision.Size.Width,
                Height = slot.Decision.Size.Height,
                Html = slot.Html,
                ImpressionUrl = slot.ImpressionUrl,
                ViewableUrl = slot.ViewableUrl,
                ClickUrl = slot.ClickUrl,
            };
        }

        // A slot that could not be decided is null beside the others, with its reason in errors (the first reason for
        // a slot id given twice: the slot decided under that id keeps its answer).
        Dictionary<string, string>? errors = null;
        if (slotErrors is not null)
        {
            errors = new Dictionary<string, string>(slotErrors.Count, StringComparer.Ordinal);
            foreach (var (slot, message) in slotErrors)
            {
                slots.TryAdd(slot, null);
                errors.TryAdd(slot, message);
            }
        }

        return new DecisionResponse { DecisionId = page.DecisionId, Slots = slots, Errors = errors, Explain = Explain(result) };
    }

    private static Dictionary<string, IReadOnlyList<CandidateResponse>>? Explain(DecisionResult result)
    {
        if (result.Explanations is not { } explanations)
        {
            return null;
        }

        var explain = new Dictionary<string, IReadOnlyList<CandidateResponse>>(StringComparer.Ordinal);
        foreach (var slot in explanations)
        {
            explain[slot.SlotId] = slot.Candidates.Select(c => new CandidateResponse
            {
                CampaignId = c.CampaignId,
                CreativeId = c.CreativeId,
                Priority = c.Priority,
                Outcome = JsonNamingPolicy.CamelCase.ConvertName(c.Outcome.ToString()),
                Detail = c.Detail,
            }).ToArray();
        }

        return explain;
    }
}
