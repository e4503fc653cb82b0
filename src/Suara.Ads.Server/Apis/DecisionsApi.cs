using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Suara.Ads.Core.Events;
using Suara.Ads.Core.Selection;
using Suara.Ads.Core.Snapshot;
using Suara.Ads.Core.Utilities;
using Suara.Ads.Server.Contracts;
using Suara.Ads.Server.Decisions;
using Suara.Ads.Server.Options;
using Suara.Ads.Server.Rendering;
using Suara.Ads.Server.Security;
using Suara.Ads.Server.Telemetry;

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
            .Produces<DecisionResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        return app;
    }

    private static async Task<IResult> DecideAsync(
        HttpContext http,
        CatalogSnapshotHolder catalog,
        DecisionService decisions,
        AdminKeyProvider adminKey,
        SigningKeyProvider signing,
        TimeProvider time,
        IOptions<AdsOptions> options,
        AdsMetrics metrics,
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

        var (body, problem) = await ReadBodyAsync(http.Request, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        var opts = options.Value;
        var errors = new ValidationErrors();
        var request = DecisionRequestMapper.Map(
            body!,
            http.Request.Headers.UserAgent,
            http.Request.Headers[opts.TrustedCountryHeader],
            http.Request.Headers[opts.TrustedRegionHeader],
            errors);
        if (request is null)
        {
            return Problems.Validation(errors, "The decision request is not valid.");
        }

        var snapshot = catalog.Current;
        errors = DecisionEngine.Validate(snapshot, request);
        if (!errors.IsEmpty)
        {
            return Problems.Validation(errors, "The decision request names a site or placement that is not in the catalog.");
        }

        var result = await decisions.DecideAsync(snapshot, request, explain, cancellationToken).ConfigureAwait(false);
        var filled = result.Slots.Count(s => s is not null);
        metrics.Decision(filled, result.Slots.Count - filled);
        return TypedResults.Ok(BuildResponse(result, request, signing.Codec, time.GetUtcNow(), BaseUrl(http, opts)));
    }

    private static async Task<(DecisionRequestBody? Body, IResult? Problem)> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > DecisionRequestMapper.MaxBodyBytes)
        {
            return (null, TooLarge());
        }

        // Read at most one byte past the limit, so an oversized body without Content-Length is refused too.
        var buffer = ArrayPool<byte>.Shared.Rent(DecisionRequestMapper.MaxBodyBytes + 1);
        try
        {
            var length = 0;
            int read;
            while (length <= DecisionRequestMapper.MaxBodyBytes
                && (read = await request.Body.ReadAsync(buffer.AsMemory(length, DecisionRequestMapper.MaxBodyBytes + 1 - length), cancellationToken).ConfigureAwait(false)) > 0)
            {
                length += read;
            }

            if (length > DecisionRequestMapper.MaxBodyBytes)
            {
                return (null, TooLarge());
            }

            if (length == 0)
            {
                return (null, Problems.BadRequest("The request has no body.", "body", "a JSON object is required"));
            }

            try
            {
                var body = JsonSerializer.Deserialize(buffer.AsSpan(0, length), AdsJsonContext.Default.DecisionRequestBody);
                return body is null
                    ? (null, Problems.BadRequest("The body is not a JSON object.", "body", "a JSON object is required"))
                    : (body, null);
            }
            catch (JsonException ex)
            {
                var field = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "body" : ex.Path.TrimStart('$', '.');
                return (null, Problems.BadRequest("The body is not valid JSON for a decision request.", field, JsonMessage(ex)));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static IResult TooLarge() =>
        Problems.BadRequest("The request body is too large.", "body", $"at most {DecisionRequestMapper.MaxBodyBytes} bytes");

    /// <summary>System.Text.Json's messages mention .NET types; say it in JSON terms, with the position.</summary>
    private static string JsonMessage(JsonException ex) =>
        ex.LineNumber is { } line && ex.BytePositionInLine is { } pos
            ? $"malformed JSON or a value of the wrong type (line {line + 1}, byte {pos + 1})"
            : "malformed JSON or a value of the wrong type";

    private static string BaseUrl(HttpContext http, AdsOptions options) =>
        options.PublicBaseUrl is { Length: > 0 } configured
            ? configured.TrimEnd('/')
            : $"{http.Request.Scheme}://{http.Request.Host}";

    private static DecisionResponse BuildResponse(DecisionResult result, DecisionRequest request, EventTokenCodec codec, DateTimeOffset now, string baseUrl)
    {
        var decisionId = Guid.CreateVersion7(now);
        var issuedAt = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds());
        var slots = new Dictionary<string, SlotResponse?>(result.Slots.Count, StringComparer.Ordinal);
        for (var i = 0; i < result.Slots.Count; i++)
        {
            var decision = result.Slots[i];
            if (decision is null)
            {
                slots[request.Slots[i].Id] = null;
                continue;
            }

            string Url(EventType type) => "/v1/events/" + codec.Sign(new EventClaims
            {
                Type = type,
                DecisionId = decisionId,
                IssuedAt = issuedAt,
                Site = decision.SiteId,
                Placement = decision.PlacementId,
                Campaign = decision.Campaign.Id,
                Creative = decision.Creative.Id,
                Viewer = request.UserId ?? "",
            });

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
