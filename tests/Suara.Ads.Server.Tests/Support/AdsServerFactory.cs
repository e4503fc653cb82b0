using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
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

    private readonly string _seed;
    private readonly string? _seedFile;

    public AdsServerFactory(CatalogDocument? catalog = null, DateTimeOffset? now = null, string? keyPrefix = null, string? redis = null)
    {
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
        builder.ConfigureServices(services => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(Time)));
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
