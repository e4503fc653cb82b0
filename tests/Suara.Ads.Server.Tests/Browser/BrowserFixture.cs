using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Suara.Ads.Server.Tests.Support;

namespace Suara.Ads.Server.Tests.Browser;

/// <summary>
/// The real server (demo catalog, <see cref="AdsServerFactory"/> settings) on a loopback port, and one headless
/// Debian chromium driven by Playwright, shared by the tests of a class. Playwright never downloads a browser here:
/// when <c>/usr/bin/chromium</c> is missing the fixture throws, so the tests fail instead of skipping.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private AdsServerFactory? _ads;
    private WebApplicationFactory<Program>? _server;
    private IPlaywright? _playwright;

    /// <summary><c>http://127.0.0.1:{port}</c>, no trailing slash.</summary>
    public string BaseUrl { get; private set; } = "";

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>The running server's services (the counting flusher, for one).</summary>
    public IServiceProvider Services => _server!.Services;

    /// <summary>The Redis key prefix this server writes under.</summary>
    public string KeyPrefix => _ads!.KeyPrefix;

    /// <summary>The server's clock.</summary>
    public TimeProvider Time => _ads!.Time;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"The browser tests need Debian's chromium at {ChromiumPath} (apt-get install chromium; ./test.sh installs it).");
        }

        _ads = new AdsServerFactory();

        // Links and images in the markup must point at this server, not at the fixture's public base URL.
        _server = _ads.WithWebHostBuilder(b => b.UseSetting("Ads:PublicBaseUrl", ""));
        _server.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        _server.StartServer();
        var addresses = _server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseUrl = addresses.First().TrimEnd('/');

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--no-first-run", "--disable-quic", "--disable-sync",
            ],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        if (_ads is not null)
        {
            await _ads.DisposeAsync();
        }
    }
}
