using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace Suara.Ads.Server.Tests.Browser;

/// <summary>
/// One fresh browser context (own storage, so its own viewer id) with a page, recording every request it makes and
/// every uncaught script error.
/// </summary>
internal sealed class BrowserSession : IAsyncDisposable
{
    public static readonly TimeSpan EventTimeout = TimeSpan.FromSeconds(10);

    private readonly ConcurrentQueue<IRequest> _requests = new();
    private readonly ConcurrentQueue<string> _errors = new();

    private BrowserSession(BrowserFixture fixture, IBrowserContext context, IPage page)
    {
        Fixture = fixture;
        Context = context;
        Page = page;
        context.Request += (_, r) => _requests.Enqueue(r);
        page.PageError += (_, e) => _errors.Enqueue(e);

        // What a Content-Security-Policy refused on the page (the browser says so in the console): a page's own
        // policy must never block what the page itself needs.
        page.Console += (_, m) =>
        {
            if (m.Text.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                _errors.Enqueue("CSP: " + m.Text);
            }
        };
    }

    public BrowserFixture Fixture { get; }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    /// <summary>Uncaught script errors on the page.</summary>
    public IReadOnlyCollection<string> Errors => _errors;

    /// <summary>Absolute URLs of every request to <c>/v1/events/</c> so far.</summary>
    public IReadOnlyList<string> EventRequests => [.. _requests.Where(r => r.Url.Contains("/v1/events/", StringComparison.Ordinal)).Select(r => r.Url)];

    /// <summary>The bodies of every <c>POST /v1/decisions</c> so far, in order.</summary>
    public IReadOnlyList<JsonObject> DecisionRequests => [.. _requests.Where(IsDecision).Select(r => JsonNode.Parse(r.PostData!)!.AsObject())];

    public static async Task<BrowserSession> OpenAsync(BrowserFixture fixture, bool globalPrivacyControl = false)
    {
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },

            // What this Chromium says when a reader runs it with a window: headless Chromium calls itself
            // "HeadlessChrome", which the crawler list (rightly) counts as a bot.
            UserAgent = ReaderUserAgent(fixture.Browser.Version),
        });
        context.SetDefaultTimeout(15_000);
        if (globalPrivacyControl)
        {
            await context.AddInitScriptAsync("Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true, configurable: true });");
        }

        var page = await context.NewPageAsync();
        return new BrowserSession(fixture, context, page);
    }

    /// <summary>The User-Agent of a reader's desktop Chromium of <paramref name="version"/> on Linux.</summary>
    public static string ReaderUserAgent(string version) =>
        $"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{version} Safari/537.36";

    public string Absolute(string path) => Fixture.BaseUrl + path;

    /// <summary>Opens <paramref name="path"/> and returns the answer to its first decision request.</summary>
    public async Task<JsonObject> GotoAsync(string path)
    {
        var response = await Page.RunAndWaitForResponseAsync(
            () => Page.GotoAsync(Absolute(path)),
            r => r.Url.EndsWith("/v1/decisions", StringComparison.Ordinal));
        Assert.Equal(200, response.Status);
        return JsonNode.Parse(await response.TextAsync())!.AsObject();
    }

    /// <summary>Reloads the page and returns the answer to its first decision request.</summary>
    public async Task<JsonObject> ReloadAsync()
    {
        var response = await Page.RunAndWaitForResponseAsync(
            () => Page.ReloadAsync(),
            r => r.Url.EndsWith("/v1/decisions", StringComparison.Ordinal));
        Assert.Equal(200, response.Status);
        return JsonNode.Parse(await response.TextAsync())!.AsObject();
    }

    /// <summary>Waits until every <c>ins.suara-ad</c> on the page has the status <paramref name="status"/>.</summary>
    // Predicates go to WaitForFunctionAsync as functions ("() => …"): a bare expression is run with eval inside the page,
    // which the CSP of the console and the reports (no 'unsafe-eval') refuses whenever the first check is false.
    public Task WaitForSlotsAsync(string status = "filled", int count = 4) =>
        Page.WaitForFunctionAsync(
            "([status, count]) => { const all = [...document.querySelectorAll('ins.suara-ad')]; return all.length === count && all.every(e => e.dataset.suaraStatus === status); }",
            new object[] { status, count });

    /// <summary>The first request (already made or still to come) that matches; fails after <see cref="EventTimeout"/>.</summary>
    public async Task<IRequest> WaitForRequestAsync(Func<IRequest, bool> predicate)
    {
        var found = new TaskCompletionSource<IRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnRequest(object? sender, IRequest r)
        {
            if (predicate(r))
            {
                found.TrySetResult(r);
            }
        }

        Context.Request += OnRequest;
        try
        {
            if (_requests.FirstOrDefault(predicate) is { } earlier)
            {
                return earlier;
            }

            return await found.Task.WaitAsync(EventTimeout);
        }
        finally
        {
            Context.Request -= OnRequest;
        }
    }

    public Task<IRequest> WaitForRequestAsync(string absoluteUrl) => WaitForRequestAsync(r => r.Url == absoluteUrl);

    /// <summary>
    /// A whole-page screenshot into <c>test-artifacts/</c>. Playwright's full-page mode leaves sandboxed iframes
    /// (html creatives, drawn by another renderer process) blank, so the viewport is made as tall as the page instead.
    /// </summary>
    public async Task ScreenshotAsync(string fileName)
    {
        var viewport = Page.ViewportSize!;
        var height = await Page.EvaluateAsync<int>("document.documentElement.scrollHeight");
        await Page.SetViewportSizeAsync(viewport.Width, height);
        foreach (var frame in Page.Frames)
        {
            await frame.WaitForLoadStateAsync(LoadState.Load);
        }

        await Page.EvaluateAsync("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Artifacts.PathOf(fileName) });
        await Page.SetViewportSizeAsync(viewport.Width, viewport.Height);
    }

    public async ValueTask DisposeAsync() => await Context.CloseAsync();

    private static bool IsDecision(IRequest r) => r.Method == "POST" && r.Url.EndsWith("/v1/decisions", StringComparison.Ordinal);
}
