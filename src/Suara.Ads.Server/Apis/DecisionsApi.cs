using System.Text.Json;
using Microsoft.Extensions.Options;
using Suara.Ads.Core.Events;
using Suara.Ads.Core.Selection;
using Suara.Ads.Server.Contracts;
using Suara.Ads.Server.Decisions;
using Suara.Ads.Server.Options;
using Suara.Ads.Server.Rendering;
using Suara.Ads.Server.Security;

namespace Suara.Ads.Server.Apis;

/// <summary><c>POST /v1/decisions</c>: the public decision endpoint.</summary>
internal static class DecisionsApi
{
    public static IEndpointRouteBuilder MapDecisionsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/decisions", DecideAsync)
            .WithName("Decide")
            .WithTags("Decisions")
            .RequireCors(CorsPolicies.PublicEndpoints)
            // JSON in any of these: ads.js sends text/plain to stay a CORS "simple" request, and `curl -d` sends a form type.
            .Accepts<DecisionRequestBody>("application/json", "text/plain", "application/x-www-form-urlencoded")
            .Produces<DecisionResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        return app;
    }

    private static async Task<IResult> DecideAsync(
        HttpContext http,
        DecisionPipeline pipeline,
        AdminKeyProvider adminKey,
        SigningKeyProvider signing,
        TimeProvider time,
        IOptions<AdsOptions> options,
        CancellationToken cancellationToken)
    {
        var explain = false;
        if (http.Request.Query.TryGetValue("explain", out var explainValue))
        {
            if (!bool.TryParse(explainValue, out explain))
            {
                return Problems.BadRequest("The query is not valid.", "explain", "must be true or false");
            }

            if (explain && !adminKey.IsAdmin(http))
            {
                return Problems.Unauthorized("explain=true needs 'Authorization: Bearer <Ads:AdminKey>'.");
            }
        }

        var (body, problem) = await JsonBody.ReadAsync(http.Request, AdsJsonContext.Default.DecisionRequestBody, DecisionRequestMapper.MaxBodyBytes, "a decision request", cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        var outcome = await pipeline.RunAsync(http, body!, explain, cancellationToken).ConfigureAwait(false);
        if (outcome.Result is not { } result)
        {
            return Problems.Validation(outcome.Errors!, "The decision request " + outcome.Detail);
        }

        var request = outcome.Request!;
        return TypedResults.Ok(BuildResponse(result, request, signing.Codec, time.GetUtcNow(), EventUrls.BaseUrl(http, options.Value)));
    }

    private static DecisionResponse BuildResponse(DecisionResult result, DecisionRequest request, EventTokenCodec codec, DateTimeOffset now, string baseUrl)
    {
        var decisionId = Guid.CreateVersion7(now);
        var issuedAt = EventUrls.IssuedAt(now);
        var slots = new Dictionary<string, SlotResponse?>(result.Slots.Count, StringComparer.Ordinal);
        for (var i = 0; i < result.Slots.Count; i++)
        {
            var decision = result.Slots[i];
            if (decision is null)
            {
                slots[request.Slots[i].Id] = null;
                continue;
            }

            string Url(EventType type) => EventUrls.For(codec, type, decisionId, issuedAt, decision, request.UserId);

            var clickUrl = Url(EventType.Click);
            slots[decision.SlotId] = new SlotResponse
            {
                CampaignId = decision.Campaign.Id,
                CreativeId = decision.Creative.Id,
                Format = decision.Creative.Format,
                Width = decision.Size.Width,
                Height = decision.Size.Height,
                Html = CreativeMarkup.Render(decision.Creative, decision.Format, decision.Size, baseUrl + clickUrl, baseUrl),
                ImpressionUrl = Url(EventType.Impression),
                ViewableUrl = Url(EventType.Viewable),
                ClickUrl = clickUrl,
            };
        }

        Dictionary<string, IReadOnlyList<CandidateResponse>>? explain = null;
        if (result.Explanations is { } explanations)
        {
            explain = new Dictionary<string, IReadOnlyList<CandidateResponse>>(StringComparer.Ordinal);
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
        }

        return new DecisionResponse { DecisionId = decisionId.ToString("N"), Slots = slots, Explain = explain };
    }
}
