using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.Options;

namespace Suara.Ads.Server.Hosting;

/// <summary>
/// The headers of every page and static file: <c>nosniff</c> everywhere; for the pages that hold a key (the console,
/// the reports) a policy that runs only their own script and style, lets no other site frame them and sends no
/// <c>Referer</c>; the demo site only when <c>Ads:Demo</c> allows it (by default, only with the demo seed).
/// </summary>
internal static class PageSecurity
{
    /// <summary>
    /// The console and the reports: scripts and style sheets from this origin only, no inline script; inline style is
    /// allowed for the creative previews' markup (which the console shows in frames that inherit this policy, so an
    /// html creative's own script does not run there); images from anywhere (creatives); no framing by any page.
    /// </summary>
    public const string AppPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src * data: blob:; connect-src 'self'; " +
        "frame-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";

    /// <summary>
    /// The demo site imitates a publisher's page: its inline settings script and the html creatives (in sandboxed frames
    /// that inherit the page's policy) must run, so only framing by other sites is refused.
    /// </summary>
    public const string DemoPolicy = "frame-ancestors 'self'; base-uri 'self'; object-src 'none'";

    /// <summary>Files that are images (the demo's SVG artwork) run nothing, even opened directly.</summary>
    public const string ImagePolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox";

    /// <summary>Whether the demo site is served: <c>Ads:Demo</c>, or by default whether the demo catalog is the seed.</summary>
    public static bool DemoEnabled(AdsOptions options) => options.Demo ?? options.Seed == "demo";

    /// <summary>The static files, with their headers; the demo's paths answer 404 when the demo is off.</summary>
    public static WebApplication UseSecuredStaticFiles(this WebApplication app)
    {
        var demo = DemoEnabled(app.Services.GetRequiredService<IOptions<AdsOptions>>().Value);
        app.Use((context, next) =>
        {
            if (!demo && context.Request.Path.StartsWithSegments("/demo", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }

            return next(context);
        });

        app.UseStaticFiles(new StaticFileOptions { OnPrepareResponse = context => Apply(context.Context) });
        return app;
    }

    /// <summary>Sets the headers of a static file's answer, by where it lives.</summary>
    public static void Apply(HttpContext context)
    {
        var headers = context.Response.Headers;
        var path = context.Request.Path;
        headers.XContentTypeOptions = "nosniff";
        if (path.StartsWithSegments("/console", StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments("/reports", StringComparison.OrdinalIgnoreCase))
        {
            headers.ContentSecurityPolicy = AppPolicy;
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
        }
        else if (path.Value?.EndsWith(".svg", StringComparison.OrdinalIgnoreCase) == true)
        {
            headers.ContentSecurityPolicy = ImagePolicy;
            headers["Referrer-Policy"] = "no-referrer";
        }
        else
        {
            if (path.StartsWithSegments("/demo", StringComparison.OrdinalIgnoreCase))
            {
                headers.ContentSecurityPolicy = DemoPolicy;
            }

            headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
        }
    }
}
