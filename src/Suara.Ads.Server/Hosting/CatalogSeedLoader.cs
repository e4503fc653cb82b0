using System.Text.Json;
using Microsoft.Extensions.Options;
using Suara.Ads.Core.Catalog;
using Suara.Ads.Core.Snapshot;
using Suara.Ads.Server.Contracts;
using Suara.Ads.Server.Options;

namespace Suara.Ads.Server.Hosting;

/// <summary>
/// Loads <c>Ads:Seed</c> (the built-in demo catalog or a catalog file) at start and publishes its snapshot.
/// An invalid seed stops the start with every error listed.
/// </summary>
internal sealed partial class CatalogSeedLoader : IHostedService
{
    private const string DemoResource = "Suara.Ads.Server.Seed.demo-catalog.json";

    private readonly CatalogSnapshotHolder _holder;
    private readonly IOptions<AdsOptions> _options;
    private readonly ILogger<CatalogSeedLoader> _logger;

    public CatalogSeedLoader(CatalogSnapshotHolder holder, IOptions<AdsOptions> options, ILogger<CatalogSeedLoader> logger)
    {
        _holder = holder;
        _options = options;
        _logger = logger;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var seed = _options.Value.Seed;
        if (string.IsNullOrEmpty(seed))
        {
            _holder.Publish(CatalogSnapshot.Empty);
            return;
        }

        var document = await ReadAsync(seed, cancellationToken).ConfigureAwait(false);
        if (!CatalogSnapshotBuilder.TryBuild(document, 1, out var snapshot, out var errors))
        {
            throw new InvalidOperationException($"The seed catalog '{seed}' is not valid: {errors}");
        }

        _holder.Publish(snapshot!);
        LogSeeded(_logger, seed, document.Campaigns.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

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
                return await JsonSerializer.DeserializeAsync(stream, AdsJsonContext.Default.CatalogDocument, cancellationToken).ConfigureAwait(false)
                    ?? throw new InvalidOperationException($"The seed catalog '{seed}' is empty.");
            }
            catch (JsonException ex)
            {
                throw new InvalidOperationException($"The seed catalog '{seed}' is not a valid catalog document at {ex.Path} (line {ex.LineNumber + 1}): {ex.Message}", ex);
            }
        }
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Loaded seed catalog {Seed} with {Campaigns} campaigns")]
    private static partial void LogSeeded(ILogger logger, string seed, int campaigns);
}
