using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Suara.Ads.Server.Hosting;

namespace Suara.Ads.Server.Catalog;

/// <summary><c>GET /v1/admin/whoami</c>: the name and role of the presented key (the console offers only what the role may do); <c>GET /console</c>.</summary>
internal static class WhoAmIApi
{
    public static IEndpointRouteBuilder MapWhoAmIApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/admin/whoami", (ClaimsPrincipal user) =>
                Results.Json(new WhoAmIResponse { Name = user.Identity?.Name ?? "", Role = user.FindFirstValue(ClaimTypes.Role) ?? "" }, CatalogJsonContext.Default.WhoAmIResponse))
            .WithName("WhoAmI")
            .WithTags("Admin")
            .RequireAuthorization(new AuthorizationPolicyBuilder(ApiKeys.Scheme).RequireAuthenticatedUser().Build())
            .WithMetadata(new KeyHint("Any key: 'Authorization: Bearer <key>'."))
            .Produces<WhoAmIResponse>()
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        // The console for people (wwwroot/console/); static files are served without default documents.
        app.MapGet("/console", () => Results.Redirect("/console/index.html")).ExcludeFromDescription();
        return app;
    }
}

/// <summary><c>GET /v1/admin/whoami</c>.</summary>
internal sealed record WhoAmIResponse
{
    public required string Name { get; init; }

    public required string Role { get; init; }
}
