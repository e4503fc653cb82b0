using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Suara.Ads.Server.Delivery;
using Microsoft.Extensions.Time.Testing;
using Suara.Ads.Core.Catalog;

using Suara.Ads.Server.Catalog;
namespace Suara.Ads.Server.Tests.Support;

/// <summary>
/// The real server pipeline in memory, seeded with a catalog file written for the test (or the demo catalog),
/// on a fake clock.
/// </summary>
public sealed class AdsServerFactory : WebApplicationFactory<Program>
{
    public const string AdminKey = "test-admin-key-0123456789";
    public const string SigningKey = "test-signing-key-0123456789-0123456789";

    /// <summary>What the clients of this factory say they are: a reader's browser (a client without one is invalid traffic).</summary>
    public const string BrowserUserAgent = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36";

    private readonly string _seed;
    private readonly string? _seedFile;

    /// <summary>
    /// The rate and flood limits of every test server unless a test sets its own: far above what tests send, so that only
    /// the tests of those limits meet them.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string?> GenerousLimits = new Dictionary<string, string?>
    {
        ["Ads:Traffic:DecisionsPerMinute"] = "10000000",
        ["Ads:Traffic:EventsPerMinute"] = "10000000",
        ["Ads:Traffic:FloodDecisionsPerViewer"] = "10000000",
        ["Ads:Traffic:FloodEventsPerViewer"] = "10000000",
        ["Ads:Traffic:FloodDecisionsPerAddress"] = "10000000",
        ["Ads:Traffic:FloodEventsPerAddress"] = "10000000",
    };

    private readonly Dictionary<string, string?> _settings = new(GenerousLimits);

    public AdsServerFactory(CatalogDocument? catalog = null, DateTimeOffset? now = null, string? keyPrefix = null, string? redis = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }

        KeyPrefix = keyPrefix ?? $"test-{Guid.NewGuid():N}:";
        Redis = redis ?? TestRedis.Configuration;
        Time = new FakeTimeProvider(now ?? new DateTimeOffset(2026, 11, 30, 4, 0, 0, TimeSpan.Zero));
        if (catalog is null)
        {
            _seed = "demo";
        }
        else
        {
            _seedFile = Path.Combine(Path.GetTempPath(), $"suara-seed-{Guid.NewGuid():N}.json");
            File.WriteAllText(_seedFile, JsonSerializer.Serialize(catalog, CatalogJsonContext.Default.CatalogDocument));
            _seed = _seedFile;
        }
    }

    public FakeTimeProvider Time { get; }

    /// <summary>Prefix of every Redis key this server writes: unique per factory unless shared on purpose.</summary>
    public string KeyPrefix { get; }

    /// <summary>The Redis this server uses.</summary>
    public string Redis { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Ads:Seed", _seed);
        builder.UseSetting("Ads:AdminKey", AdminKey);
        builder.UseSetting("Ads:SigningKey", SigningKey);
        builder.UseSetting("Ads:PublicBaseUrl", "https://ads.example");
        builder.UseSetting("Redis:Configuration", Redis);
        builder.UseSetting("Redis:KeyPrefix", KeyPrefix);
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(Time)));
    }

    /// <summary>Starts the server and waits until it is ready (catalog and delivery totals loaded), as a load balancer would.</summary>
    protected override IHost CreateHost(IHostBuilder builder)
    {
        var host = base.CreateHost(builder);
        var ledger = host.Services.GetRequiredService<RedisDeliveryLedger>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!ledger.IsLoaded && DateTime.UtcNow < deadline && WaitForReady)
        {
            Thread.Sleep(10);
        }

        return host;
    }

    /// <summary>Whether <see cref="CreateHost"/> waits for readiness (off for tests of readiness itself).</summary>
    public bool WaitForReady { get; init; } = true;

    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        client.DefaultRequestHeaders.UserAgent.ParseAdd(BrowserUserAgent);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (_seedFile is not null)
        {
            File.Delete(_seedFile);
        }
    }
}
