using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace Suara.Ads.Server.Tests.Support;

/// <summary>
/// A private redis-server for tests that stop and start Redis: on a free port, persisting every write (AOF,
/// fsync always) so that a restart keeps what was written before it.
/// </summary>
public sealed class RedisProcess : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("suara-redis-").FullName;
    private Process? _process;

    public RedisProcess()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        Start();
    }

    public int Port { get; }

    public string Configuration => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    public void Start()
    {
        var info = new ProcessStartInfo("redis-server")
        {
            ArgumentList = { "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes", "--appendfsync", "always", "--dir", _dir },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) =>
        {
            // redis-server's own signal that it takes connections (after loading the append-only file, if any).
            if (e.Data?.Contains("Ready to accept connections", StringComparison.Ordinal) == true)
            {
                ready.TrySetResult();
            }
        };
        _process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException("redis-server exited at start"));
        _process.EnableRaisingEvents = true;
        if (!_process.Start())
        {
            throw new InvalidOperationException("redis-server did not start (is it installed? ./test.sh installs it)");
        }

        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        if (!ready.Task.Wait(TimeSpan.FromSeconds(30))) // a guard against a hang, not a timing assertion
        {
            throw new InvalidOperationException($"redis-server on port {Port} did not say it was ready");
        }
    }

    /// <summary>
    /// Freezes the server (SIGSTOP): its connections stay open and take what is sent, but nothing is answered, until
    /// <see cref="Stop"/>. Unlike <c>CLIENT PAUSE</c>, nothing inside Redis decides what still runs.
    /// </summary>
    public void Freeze() => Signal("-STOP");

    /// <summary>Lets a frozen server (<see cref="Freeze"/>) run again (SIGCONT): it answers what it was sent meanwhile.</summary>
    public void Thaw() => Signal("-CONT");

    private void Signal(string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { signal, _process!.Id.ToString(CultureInfo.InvariantCulture) } })!;
        kill.WaitForExit();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill {signal} {_process.Id} failed ({kill.ExitCode})");
        }
    }

    public void Stop()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process?.Dispose();
        _process = null;
    }

    public void Dispose()
    {
        Stop();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
