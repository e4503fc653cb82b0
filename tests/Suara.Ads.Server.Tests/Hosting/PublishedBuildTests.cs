using System.Diagnostics;
using System.Net;
using Suara.Ads.Server.Tests.Support;
using Suara.Ads.Testing;

namespace Suara.Ads.Server.Tests.Hosting;

/// <summary>
/// The output of <c>dotnet publish</c>, as docs/deployment.md runs it: started from another working directory, in
/// Production, it serves ads.js, the console and the reports (static files included), not the demo, and stops
/// gracefully on SIGTERM; its assemblies are precompiled (ReadyToRun). ./test.sh publishes once and names the directory in <c>SUARA_PUBLISHED</c>; without it the
/// test publishes the built server itself.
/// </summary>
public sealed class PublishedBuildTests
{
    private static async Task<string> PublishedAsync()
    {
        if (Environment.GetEnvironmentVariable("SUARA_PUBLISHED") is { Length: > 0 } given && File.Exists(Path.Combine(given, "Suara.Ads.Server.dll")))
        {
            return given;
        }

        var output = Path.Combine(Path.GetTempPath(), $"suara-publish-{Guid.NewGuid():N}");
        var info = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { "publish", RepositoryFiles.PathOf("src", "Suara.Ads.Server"), "-c", "Release", "--use-current-runtime", "--self-contained", "false", "-o", output, "-nologo" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var publish = Process.Start(info)!;
        var log = await publish.StandardOutput.ReadToEndAsync() + await publish.StandardError.ReadToEndAsync();
        await publish.WaitForExitAsync();
        Assert.True(publish.ExitCode == 0, "dotnet publish failed:\n" + log);
        return output;
    }

    // A ReadyToRun assembly carries native code: its CLI header names a managed native header (an IL-only one does not).
    private static bool IsReadyToRun(string path)
    {
        using var stream = File.OpenRead(path);
        using var pe = new System.Reflection.PortableExecutable.PEReader(stream);
        return pe.PEHeaders.CorHeader is { ManagedNativeHeaderDirectory.Size: > 0 };
    }

    [Fact]
    public async Task ThePublishedServer_ServesTheScriptAndThePages_NotTheDemo_AndStopsOnSigterm()
    {
        var published = await PublishedAsync();
        Assert.True(Directory.Exists(Path.Combine(published, "wwwroot", "console")), "the published output has no wwwroot/console");
        foreach (var assembly in new[] { "Suara.Ads.Server.dll", "Suara.Ads.Core.dll" })
        {
            Assert.True(IsReadyToRun(Path.Combine(published, assembly)), $"the published {assembly} is not precompiled (ReadyToRun)");
        }

        var elsewhere = Directory.CreateTempSubdirectory("suara-cwd-").FullName;
        using var server = new ServerProcess(TestCatalog.Document(TestCatalog.Campaign("london")), new Dictionary<string, string>
        {
            ["Redis__Configuration"] = TestRedis.Configuration,
            ["Redis__KeyPrefix"] = $"test-{Guid.NewGuid():N}:",
            ["Ads__SigningKey"] = AdsServerFactory.SigningKey,
            ["Ads__AdminKey"] = AdsServerFactory.AdminKey,
        }, directory: published, workingDirectory: elsewhere);
        using var client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        await server.WaitUntilReadyAsync(client, TimeSpan.FromSeconds(60));

        using var script = await client.GetAsync("/ads.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        Assert.InRange((await script.Content.ReadAsByteArrayAsync()).Length, 1, 12 * 1024);
        using var console = await client.GetAsync("/console/index.html");
        Assert.Equal(HttpStatusCode.OK, console.StatusCode);
        Assert.Contains("frame-ancestors 'none'", string.Join(",", console.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/reports/index.html")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/demo/index.html")).StatusCode);

        server.Terminate();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await server.WaitForExitAsync(stop.Token);
        Assert.Equal(0, server.ExitCode);
        Directory.Delete(elsewhere, recursive: true);
        if (published != Environment.GetEnvironmentVariable("SUARA_PUBLISHED"))
        {
            Directory.Delete(published, recursive: true);
        }
    }
}
