using StackExchange.Redis;

namespace Suara.Ads.Server.Tests.Support;

/// <summary>
/// The Redis that ./test.sh starts (SUARA_TEST_REDIS). Tests that count in Redis call <see cref="Connect"/>, which
/// fails the test when no Redis is configured or reachable: they never skip silently.
/// </summary>
public static class TestRedis
{
    /// <summary>The connection string from SUARA_TEST_REDIS, or an address nothing listens on.</summary>
    public static string Configuration =>
        Environment.GetEnvironmentVariable("SUARA_TEST_REDIS") is { Length: > 0 } value ? value : "127.0.0.1:1";

    /// <summary>The server's Redis options for the test Redis, with a key prefix of their own.</summary>
    public static Microsoft.Extensions.Options.IOptions<Suara.Ads.Server.Hosting.RedisOptions> Options() =>
        Microsoft.Extensions.Options.Options.Create(new Suara.Ads.Server.Hosting.RedisOptions { Configuration = Configuration, KeyPrefix = $"test-{Guid.NewGuid():N}:" });

    public static ConnectionMultiplexer Connect(string? configuration = null)
    {
        configuration ??= Environment.GetEnvironmentVariable("SUARA_TEST_REDIS");
        Assert.False(string.IsNullOrEmpty(configuration), "SUARA_TEST_REDIS is not set: run the tests with ./test.sh, which starts Redis.");
        return ConnectionMultiplexer.Connect(configuration + ",abortConnect=true,connectTimeout=5000");
    }
}
