using System.Security.Cryptography;
using System.Text;
using NUglify;

namespace Suara.Ads.Server.Decisions;

/// <summary>
/// <c>GET /ads.js</c>: the page script, minified once at start from its readable source (<c>Decisions/ads.js</c>,
/// embedded) by NUglify and served from memory, with an ETag and a short cache lifetime (the URL carries no version, so
/// a fix reaches pages within minutes). <c>GET /ads.src.js</c> serves the source as written, for reading and debugging.
/// </summary>
internal static class AdsScriptApi
{
    /// <summary>How long browsers and CDNs may keep the script without asking again.</summary>
    public const int MaxAgeSeconds = 300;

    private static readonly Lazy<Script> s_source = new(() => new Script(Source()));
    private static readonly Lazy<Script> s_minified = new(() => new Script(Minify(Source())));

    public static IEndpointRouteBuilder MapAdsScriptApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/ads.js", (HttpContext http) => Serve(http, s_minified.Value)).WithName("AdsScript").WithTags("Snippet").ExcludeFromDescription();
        app.MapGet("/ads.src.js", (HttpContext http) => Serve(http, s_source.Value)).WithName("AdsScriptSource").WithTags("Snippet").ExcludeFromDescription();
        return app;
    }

    /// <summary>The minified script (for tests and the size budget).</summary>
    internal static byte[] Minified => s_minified.Value.Bytes;

    private static IResult Serve(HttpContext http, Script script)
    {
        var headers = http.Response.Headers;
        headers.ETag = script.ETag;
        headers.CacheControl = $"public, max-age={MaxAgeSeconds}";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
        if (http.Request.Headers.IfNoneMatch.ToString() is { Length: > 0 } tags && tags.Split(',').Any(t => t.Trim() == script.ETag))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        return Results.Bytes(script.Bytes, "text/javascript; charset=utf-8");
    }

    private static string Source()
    {
        using var stream = typeof(AdsScriptApi).Assembly.GetManifestResourceStream("Suara.Ads.Server.Decisions.ads.js")
            ?? throw new InvalidOperationException("ads.js is not embedded in the server assembly.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    private static string Minify(string source)
    {
        // The /*! … */ banner (where the guide is) is kept; names of the page API (suaraAds.on, refresh, push) are
        // properties, which a minifier never renames.
        var result = Uglify.Js(source);
        if (result.HasErrors)
        {
            throw new InvalidOperationException("ads.js does not minify: " + string.Join("; ", result.Errors.Select(e => e.ToString())));
        }

        return result.Code;
    }

    private sealed class Script
    {
        public Script(string text)
        {
            Bytes = Encoding.UTF8.GetBytes(text);
            ETag = "\"" + Convert.ToHexStringLower(SHA256.HashData(Bytes).AsSpan(0, 12)) + "\"";
        }

        public byte[] Bytes { get; }

        public string ETag { get; }
    }
}
