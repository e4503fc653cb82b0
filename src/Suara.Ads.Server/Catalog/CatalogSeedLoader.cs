using System.Text.Json;
using Suara.Ads.Core.Catalog;

namespace Suara.Ads.Server.Catalog;

/// <summary>Reads <c>Ads:Seed</c>: the built-in demo catalog or a catalog file.</summary>
internal static class CatalogSeedLoader
{
    private const string DemoResource = "Suara.Ads.Server.Catalog.Seed.demo-catalog.json";

    /// <summary>Reads a catalog document: <c>demo</c> (built in) or a file path.</summary>
    public static async Task<CatalogDocument> ReadAsync(string seed, CancellationToken cancellationToken)
    {
        var stream = seed == "demo"
            ? typeof(CatalogSeedLoader).Assembly.GetManifestResourceStream(DemoResource)
                ?? throw new InvalidOperationException("The demo catalog is missing from the build.")
            : File.OpenRead(seed);
        await using (stream.ConfigureAwait(false))
        {
            try
            {
                return await JsonSerializer.DeserializeAsync(stream, CatalogJsonContext.Default.CatalogDocument, cancellationToken).ConfigureAwait(false)
                    ?? throw new InvalidOperationException($"The seed catalog '{seed}' is empty.");
            }
            catch (JsonException ex)
            {
                throw new InvalidOperationException($"The seed catalog '{seed}' is not a valid catalog document at {ex.Path} (line {ex.LineNumber + 1}): {ex.Message}", ex);
            }
        }
    }
}
