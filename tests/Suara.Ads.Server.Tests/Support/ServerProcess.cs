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

    public ServerProcess(CatalogDocument catalog, IDictionary<string, string> settings)
    {
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            Port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
        }

        _seed = Path.Combine(Path.GetTempPath(), $"suara-seed-{Guid.NewGuid():N}.json");
        File.WriteAllText(_seed, JsonSerializer.Serialize(catalog, CatalogJsonContext.Default.CatalogDocument));
        var dll = Path.Combine(AppContext.BaseDirectory, "Suara.Ads.Server.dll");
        var info = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { dll, "--urls", BaseAddress.ToString().TrimEnd('/') },
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["Ads__Seed"] = _seed;
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in settings)
        {
            info.Environment[key] = value;
        }

        _process = Process.Start(info) ?? throw new InvalidOperationException("could not start the server");
        _process.OutputDataReceived += (_, e) => Output.Add(e.Data ?? "");
        _process.ErrorDataReceived += (_, e) => Output.Add(e.Data ?? "");
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Port { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/");

    public System.Collections.Concurrent.ConcurrentBag<string> Output { get; } = [];

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Waits until /readyz answers 200.</summary>
    public async Task WaitUntilReadyAsync(HttpClient client, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && !_process.HasExited)
        {
            try
            {
                using var response = await client.GetAsync(new Uri(BaseAddress, "/readyz"));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100); // waiting for a process to start listening
        }

        throw new InvalidOperationException("The server did not become ready:\n" + string.Join("\n", Output));
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
