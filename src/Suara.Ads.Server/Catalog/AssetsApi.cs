using System.Text.RegularExpressions;
using Suara.Ads.Server.Hosting;

namespace Suara.Ads.Server.Catalog;

/// <summary>
/// <c>POST /v1/admin/assets</c> (admin, trafficker): upload a creative's image; <c>GET /assets/{name}</c> (public): serve
/// it, from memory, with immutable cache headers. An SVG is served with a policy that forbids script and sandboxes it,
/// so a file opened on its own cannot run anything either.
/// </summary>
internal static partial class AssetsApi
{
    [GeneratedRegex("^[0-9a-f]{64}\\.(png|jpg|gif|webp|svg)$")]
    private static partial Regex AssetName();

    public static IEndpointRouteBuilder MapAssetsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/admin/assets", async (HttpRequest request, AssetStore assets, CancellationToken cancellationToken) =>
        {
            var declared = request.ContentType?.Split(';')[0].Trim();
            if (declared is null || !AssetStore.Types.TryGetValue(declared, out var declaredType))
            {
                return Problems.UnsupportedMediaType($"An asset is a PNG, JPEG, GIF, WebP or SVG image, sent with its Content-Type (image/png, image/jpeg, image/gif, image/webp or image/svg+xml); '{Shorten(declared)}' is none of them.");
            }

            if (request.ContentLength > AssetStore.MaxBytes)
            {
                return TooLarge();
            }

            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > AssetStore.MaxBytes)
                {
                    return TooLarge();
                }
            }

            var bytes = buffer.ToArray();
            if (bytes.Length == 0)
            {
                return Problems.BadRequest("The request has no body.", "body", "the image's bytes are required");
            }

            var sniffed = AssetStore.Sniff(bytes);
            if (sniffed is null)
            {
                return Problems.UnsupportedMediaType($"The bytes are not a PNG, JPEG, GIF, WebP or SVG image (they were sent as {declaredType.MediaType}).");
            }

            if (sniffed != declaredType)
            {
                return Problems.BadRequest("The image is not what its Content-Type says.", "body", $"the bytes are {sniffed.MediaType}, sent as {declaredType.MediaType}");
            }

            if (!assets.IsAvailable)
            {
                return Problems.StoreUnavailable("Assets unavailable.", "Redis cannot be reached right now; nothing was stored. Try again shortly.");
            }

            var name = await assets.PutAsync(bytes, sniffed).ConfigureAwait(false);
            var url = "/assets/" + name;
            return Results.Json(new AssetResponse { Url = url, Type = sniffed.MediaType, Bytes = bytes.Length }, CatalogJsonContext.Default.AssetResponse, statusCode: StatusCodes.Status201Created);
        })
            .WithName("UploadAsset")
            .WithTags("Admin")
            .RequireAuthorization(Policies.CatalogWrite)
            .WithMetadata(new KeyHint("Uploading an asset needs 'Authorization: Bearer <key>' of role admin or trafficker."))
            .Accepts<byte[]>("image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml")
            .Produces<AssetResponse>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        app.MapGet("/assets/{name}", async (string name, HttpContext http, AssetStore assets) =>
        {
            if (!AssetName().IsMatch(name) || await assets.GetAsync(name).ConfigureAwait(false) is not { } asset)
            {
                return Problems.NotFound($"There is no asset '{Shorten(name)}'.");
            }

            // The name is the content's hash: it never changes, so it may be cached for good.
            var headers = http.Response.Headers;
            headers.CacheControl = "public, max-age=31536000, immutable";
            headers.ETag = "\"" + name[..64] + "\"";
            headers.XContentTypeOptions = "nosniff";
            headers["Cross-Origin-Resource-Policy"] = "cross-origin";
            if (asset.Type.Extension == "svg")
            {
                // Opened on its own, an SVG is a document: no script, no plugins, nothing loaded, in a sandbox.
                headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox";
            }

            return Results.Bytes(asset.Bytes, asset.Type.MediaType);
        }).WithName("Asset").WithTags("Admin").ExcludeFromDescription();

        return app;
    }

    private static IResult TooLarge() =>
        Problems.BadRequest("The asset is too large.", "body", $"at most {AssetStore.MaxBytes / 1024} KB");

    private static string Shorten(string? text) => text is null ? "" : text.Length > 60 ? text[..60] + "…" : text;
}

/// <summary><c>POST /v1/admin/assets</c>: where the asset is served, usable as a creative's <c>imageUrl</c>.</summary>
internal sealed record AssetResponse
{
    public required string Url { get; init; }

    public required string Type { get; init; }

    public int Bytes { get; init; }
}
