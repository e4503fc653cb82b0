using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Suara.Ads.Core.Catalog;

using Suara.Ads.Server.Catalog;
namespace Suara.Ads.Server.Tests.Support;

/// <summary>The built server run as a real process on a loopback port, for tests of process signals.</summary>
public sealed class ServerProcess : IDisposable
{
    private readonly Process _process;
    private readonly string _seed;

    /// <param name="catalog">The seed.</param>
    /// <param name="settings">Environment variables for the server.</param>
    /// <param name="directory">Where <c>Suara.Ads.Server.dll</c> is: the test's own output unless given (a published build).</param>
    /// <param name="workingDirectory">The process's working directory: <paramref name="directory"/> unless given.</param>
    public ServerProcess(CatalogDocument catalog, IDictionary<string, string> settings, string? directory = null, string? workingDirectory = null)
    {
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            Port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
        }

        _seed = Path.Combine(Path.GetTempPath(), $"suara-seed-{Guid.NewGuid():N}.json");
        File.WriteAllText(_seed, JsonSerializer.Serialize(catalog, CatalogJsonContext.Default.CatalogDocument));
        directory ??= AppContext.BaseDirectory;
        var dll = Path.Combine(directory, "Suara.Ads.Server.dll");
        var info = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { dll, "--urls", BaseAddress.ToString().TrimEnd('/') },
            WorkingDirectory = workingDirectory ?? directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["Ads__Seed"] = _seed;
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["Ads__PublicBaseUrl"] = BaseAddress.ToString().TrimEnd('/'); // required in Production
        foreach (var (key, value) in settings)
        {
            info.Environment[key] = value;
        }

        _process = Process.Start(info) ?? throw new InvalidOperationException("could not start the server");
        _process.OutputDataReceived += (_, e) => Record(e.Data);
        _process.ErrorDataReceived += (_, e) => Record(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Port { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/");

    /// <summary>Every line the process wrote to stdout and stderr, in order.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Output { get; } = new();

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>
    /// Waits for the host's own signal that it has started ("Application started", logged once the server listens and
    /// every hosted service, the catalog load included, has started), then until /readyz says ready.
    /// </summary>
    public async Task WaitUntilReadyAsync(HttpClient client, TimeSpan hangGuard)
    {
        using var guard = new CancellationTokenSource(hangGuard);
        try
        {
            await WaitForOutputAsync(line => line.Contains("Application started", StringComparison.Ordinal), guard.Token);
        }
        catch (OperationCanceledException)
        {
            throw new InvalidOperationException("The server did not start:\n" + string.Join("\n", Output));
        }

        // Started is not yet ready: the delivery totals are read once the catalog is in force, by a service of their
        // own, which on a busy machine can finish after the host says it started. Poll, within the same guard.
        while (true)
        {
            using var response = await client.GetAsync(new Uri(BaseAddress, "/readyz"));
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return;
            }

            if (guard.IsCancellationRequested || _process.HasExited)
            {
                throw new InvalidOperationException($"Started but /readyz answers {(int)response.StatusCode}:\n" + string.Join("\n", Output));
            }

            await Task.Delay(50, CancellationToken.None);
        }
    }

    /// <summary>Completes when the process has written a line that <paramref name="match"/> accepts (or already had).</summary>
    public Task<string> WaitForOutputAsync(Func<string, bool> match, CancellationToken cancellationToken)
    {
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnLine(string line)
        {
            if (match(line))
            {
                found.TrySetResult(line);
            }
        }

        LineWritten += OnLine;
        foreach (var line in Output)
        {
            OnLine(line);
        }

        return found.Task.WaitAsync(cancellationToken).ContinueWith(
            t =>
            {
                LineWritten -= OnLine;
                return t;
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default).Unwrap();
    }

    private event Action<string>? LineWritten;

    private void Record(string? line)
    {
        Output.Enqueue(line ?? "");
        LineWritten?.Invoke(line ?? "");
    }

    /// <summary>Sends SIGTERM, as an orchestrator does for a graceful stop.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public Task WaitForExitAsync(CancellationToken cancellationToken) => _process.WaitForExitAsync(cancellationToken);

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
        File.Delete(_seed);
    }
}
