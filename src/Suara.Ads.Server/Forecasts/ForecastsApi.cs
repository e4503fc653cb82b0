using Suara.Ads.Server.Hosting;

namespace Suara.Ads.Server.Forecasts;

/// <summary><c>POST /v1/admin/forecasts</c>: what a campaign would deliver, replayed from the traffic sample (admin, trafficker).</summary>
internal static class ForecastsApi
{
    /// <summary>Largest forecast body: a campaign and two days.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    public static IEndpointRouteBuilder MapForecastsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/admin/forecasts", async (HttpRequest request, ForecastService forecasts, CancellationToken cancellationToken) =>
        {
            var (body, problem) = await JsonBody.ReadAsync(request, ForecastsJsonContext.Default.ForecastRequest, MaxBodyBytes, "a forecast request", cancellationToken, strict: true).ConfigureAwait(false);
            if (problem is not null)
            {
                return problem;
            }

            var (forecast, errors) = await forecasts.ForecastAsync(body!, cancellationToken).ConfigureAwait(false);
            return errors is not null
                ? Problems.Validation(errors, "The forecast request is not valid; nothing was forecast.")
                : Results.Json(forecast, ForecastsJsonContext.Default.ForecastResponse);
        })
            .WithName("Forecast")
            .WithTags("Admin")
            .RequireAuthorization(Policies.CatalogWrite)
            .WithMetadata(new KeyHint("This endpoint needs 'Authorization: Bearer <key>': the admin key (Ads:AdminKey) or a named key of role admin or trafficker."))
            .Accepts<ForecastRequest>("application/json")
            .Produces<ForecastResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return app;
    }
}
