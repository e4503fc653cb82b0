using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Suara.Ads.Testing;

namespace Suara.Ads.Server.Tests.Support;

/// <summary>
/// Debian's <c>prometheus</c> (2.42, installed by ./test.sh) run for one test: on a free loopback port, with its
/// configuration and its storage in a temporary folder removed at the end, scraping one target every second and
/// evaluating the given rule file every second.
/// </summary>
public sealed class PrometheusProcess : IAsyncDisposable
{
    public const string Job = "suara-ads";

    private readonly string _dir;
    private readonly Process _process;
    private readonly HttpClient _http;

    /// <param name="target">The <c>/metrics</c> address to scrape.</param>
    /// <param name="ruleFile">The rule file to load (absolute path).</param>
    public PrometheusProcess(Uri target, string ruleFile)
    {
        var binary = Installed("prometheus");
        _dir = Directory.CreateTempSubdirectory("suara-prometheus-").FullName;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var config = Path.Combine(_dir, "prometheus.yml");
        File.WriteAllText(config, $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
              evaluation_interval: 1s
            rule_files:
              - '{ruleFile}'
            scrape_configs:
              - job_name: {Job}
                metrics_path: '{target.AbsolutePath}'
                static_configs:
                  - targets: ['{target.Authority}']
            """);
        var port = Port.ToString(CultureInfo.InvariantCulture);
        var info = new ProcessStartInfo(binary, [$"--config.file={config}", $"--storage.tsdb.path={Path.Combine(_dir, "data")}", $"--web.listen-address=127.0.0.1:{port}", "--log.level=warn"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        _process = Process.Start(info) ?? throw new InvalidOperationException("could not start " + binary);
        _process.OutputDataReceived += (_, e) => Output.Enqueue(e.Data ?? "");
        _process.ErrorDataReceived += (_, e) => Output.Enqueue(e.Data ?? "");
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(10) };
    }

    public int Port { get; }

    /// <summary>What prometheus wrote (its log), for failure messages.</summary>
    public ConcurrentQueue<string> Output { get; } = new();

    /// <summary>
    /// The full path of a Prometheus tool on PATH. Fails the test when it is missing: ./test.sh installs Debian's
    /// <c>prometheus</c> package, which brings both <c>prometheus</c> and <c>promtool</c>.
    /// </summary>
    public static string Installed(string tool)
    {
        var found = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, tool))
            .FirstOrDefault(File.Exists);
        Assert.True(found is not null, $"{tool} is not installed: ./test.sh installs it (apt-get install prometheus, Debian's package brings prometheus and promtool).");
        return found;
    }

    /// <summary>Runs <c>promtool</c> in the repository's root; its exit code and everything it wrote.</summary>
    public static async Task<(int ExitCode, string Output)> PromtoolAsync(params string[] arguments)
    {
        var info = new ProcessStartInfo(Installed("promtool"), arguments)
        {
            WorkingDirectory = RepositoryFiles.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var promtool = Process.Start(info)!;
        var stdout = promtool.StandardOutput.ReadToEndAsync();
        var stderr = promtool.StandardError.ReadToEndAsync();
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60)); // a hang guard, not a timing assertion
        await promtool.WaitForExitAsync(guard.Token);
        return (promtool.ExitCode, await stdout + await stderr);
    }

    /// <summary>Waits until prometheus answers <c>/-/ready</c>; fails with its log when it exits or never does.</summary>
    public async Task WaitUntilReadyAsync(TimeSpan hangGuard)
    {
        var deadline = DateTime.UtcNow + hangGuard;
        while (true)
        {
            Assert.False(_process.HasExited, "prometheus exited at start:\n" + Log());
            try
            {
                using var response = await _http.GetAsync(new Uri("-/ready", UriKind.Relative));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            Assert.True(DateTime.UtcNow < deadline, "prometheus did not become ready:\n" + Log());
            await Task.Delay(100);
        }
    }

    /// <summary>GETs an API path and parses its JSON, whatever the status (an error answer carries <c>status: error</c>).</summary>
    public async Task<JsonNode> GetAsync(string pathAndQuery)
    {
        using var response = await _http.GetAsync(new Uri(pathAndQuery, UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        try
        {
            return JsonNode.Parse(text) ?? new JsonObject();
        }
        catch (System.Text.Json.JsonException)
        {
            return new JsonObject { ["status"] = "error", ["error"] = $"HTTP {(int)response.StatusCode}: {text}" };
        }
    }

    /// <summary>An instant query at the current time (<c>/api/v1/query</c>).</summary>
    public Task<JsonNode> QueryAsync(string promql) => GetAsync("api/v1/query?query=" + Uri.EscapeDataString(promql));

    /// <summary>The last lines prometheus logged.</summary>
    public string Log() => string.Join("\n", Output.TakeLast(40));

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
