using System.Text.Json.Nodes;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Suara.Ads.Server.Hosting;

/// <summary>
/// <c>/healthz</c> (the process is alive) and <c>/readyz</c>: every health check tagged <see cref="ReadyTag"/> runs,
/// each adds its figures to the body, and the instance is ready (200) unless one is unhealthy (503). A flow makes
/// itself part of readiness by registering a check with that tag.
/// </summary>
internal static class HealthApi
{
    /// <summary>The tag of the checks <c>/readyz</c> runs.</summary>
    public const string ReadyTag = "ready";

    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => Results.Json(new JsonObject { ["status"] = "ok" }, HostingJsonContext.Default.JsonObject))
            .WithTags("Operations")
            .Produces<JsonObject>();
        app.MapGet("/readyz", async (HealthCheckService health, CancellationToken cancellationToken) =>
        {
            var report = await health.CheckHealthAsync(check => check.Tags.Contains(ReadyTag), cancellationToken).ConfigureAwait(false);
            var ready = report.Status != HealthStatus.Unhealthy;
            var body = new JsonObject { ["status"] = ready ? "ready" : "not-ready" };
            foreach (var (_, entry) in report.Entries)
            {
                foreach (var (name, value) in entry.Data)
                {
                    body[name] = value switch
                    {
                        long n => n,
                        int n => n,
                        bool b => b,
                        _ => value.ToString(),
                    };
                }
            }

            return Results.Json(body, HostingJsonContext.Default.JsonObject, statusCode: ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        }).WithTags("Operations").Produces<JsonObject>().Produces<JsonObject>(StatusCodes.Status503ServiceUnavailable);
        return app;
    }
}
