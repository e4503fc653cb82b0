using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Suara.Ads.LoadTest;

var options = LoadOptions.Parse(args, out var error);
if (options is null)
{
    Console.Error.WriteLine($"error: {error}");
    Console.Error.WriteLine(LoadOptions.Usage);
    return 2;
}

using var handler = new SocketsHttpHandler
{
    MaxConnectionsPerServer = options.Concurrency,
    AllowAutoRedirect = false,
    UseProxy = false,
    UseCookies = false,
    PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
    ConnectTimeout = TimeSpan.FromSeconds(5),
};
using var client = new HttpClient(handler, disposeHandler: false)
{
    BaseAddress = options.BaseUrl,
    Timeout = TimeSpan.FromSeconds(10),
};

// A reader's browser: the server counts requests without a User-Agent, or from known bots, as invalid traffic.
client.DefaultRequestHeaders.UserAgent.ParseAdd("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36");

// The server must be up and have its catalog before anything is measured.
var before = await Report.ReadyAsync(client).ConfigureAwait(false);
if (before is null)
{
    Console.Error.WriteLine($"error: {options.BaseUrl}readyz did not answer 200; start the server first");
    return 1;
}

var bodies = RequestPool.Build(256);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"Suara.Ads.LoadTest: {options.BaseUrl} concurrency {options.Concurrency}, warmup {options.WarmupSeconds} s, duration {options.DurationSeconds} s, events {(options.Events ? "on" : "off")}; {Environment.ProcessorCount} cores"));
Console.WriteLine($"readyz before: {before}");

// Hard deadline: whatever happens, nothing runs past warmup + duration + 20 s.
using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(options.WarmupSeconds + options.DurationSeconds + 20));
var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
var stats = await new LoadRunner(options, client, bodies).RunAsync(deadline.Token).ConfigureAwait(false);
var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;

Report.Print(options, stats, cpu);
Console.WriteLine($"readyz at the end: {await Report.ReadyAsync(client).ConfigureAwait(false) ?? "no answer"}");
await Task.Delay(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
Console.WriteLine($"readyz 2 s later: {await Report.ReadyAsync(client).ConfigureAwait(false) ?? "no answer"}");
return 0;

/// <summary>Merging the workers' figures and printing them.</summary>
internal static class Report
{
    public static async Task<string?> ReadyAsync(HttpClient client)
    {
        try
        {
            using var response = await client.GetAsync(new Uri("readyz", UriKind.Relative)).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync().ConfigureAwait(false));
            var root = document.RootElement;
            string Field(string name) => root.TryGetProperty(name, out var value) ? value.ToString() : "-";
            return $"status {Field("status")}, catalogVersion {Field("catalogVersion")}, campaigns {Field("campaigns")}, redis {Field("redis")}, "
                + $"pendingEvents {Field("pendingEvents")}, droppedEvents {Field("droppedEvents")}";
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
        {
            return null;
        }
    }

    public static void Print(LoadOptions options, WorkerStats[] workers, TimeSpan cpu)
    {
        var decisions = Merge(workers.Select(w => w.DecisionTicks));
        var events = Merge(workers.Select(w => w.EventTicks));
        var seconds = (double)options.DurationSeconds;
        var requested = workers.Sum(w => w.SlotsRequested);
        var filled = workers.Sum(w => w.SlotsFilled);
        var inv = CultureInfo.InvariantCulture;

        Console.WriteLine(string.Create(inv, $"warmup requests (not measured): {workers.Sum(w => w.WarmupRequests):N0}"));
        Console.WriteLine();
        Console.WriteLine("| measured | requests | per s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | statuses | failures |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---|---:|");
        Console.WriteLine(Row("decisions", decisions, seconds, Statuses(workers.Select(w => w.DecisionStatus)), workers.Sum(w => w.DecisionFailures)));
        if (options.Events)
        {
            Console.WriteLine(Row("impression beacons", events, seconds, Statuses(workers.Select(w => w.EventStatus)), workers.Sum(w => w.EventFailures)));
        }

        Console.WriteLine();
        Console.WriteLine(string.Create(inv,
            $"slots filled: {filled:N0} of {requested:N0} ({(requested == 0 ? 0 : 100.0 * filled / requested):0.0}%); harness CPU {cpu.TotalSeconds:0.0} s over {options.WarmupSeconds + options.DurationSeconds} s"));
    }

    private static long[] Merge(IEnumerable<List<long>> lists)
    {
        var all = lists.SelectMany(l => l).ToArray();
        Array.Sort(all);
        return all;
    }

    private static string Statuses(IEnumerable<Dictionary<int, long>> counts)
    {
        var merged = new SortedDictionary<int, long>();
        foreach (var pair in counts.SelectMany(c => c))
        {
            merged[pair.Key] = merged.GetValueOrDefault(pair.Key) + pair.Value;
        }

        return merged.Count == 0 ? "-" : string.Join(", ", merged.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key}: {p.Value:N0}")));
    }

    private static string Row(string name, long[] sorted, double seconds, string statuses, long failures)
    {
        return string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {sorted.Length:N0} | {sorted.Length / seconds:N0} | {Ms(sorted, 0.50)} | {Ms(sorted, 0.90)} | {Ms(sorted, 0.99)} | {Ms(sorted, 0.999)} | {Ms(sorted, 1.0)} | {statuses} | {failures:N0} |");
    }

    /// <summary>Nearest-rank percentile of sorted Stopwatch ticks, in milliseconds.</summary>
    private static string Ms(long[] sorted, double quantile)
    {
        if (sorted.Length == 0)
        {
            return "-";
        }

        var rank = (int)Math.Ceiling(quantile * sorted.Length) - 1;
        var ticks = sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
        return (ticks * 1000.0 / Stopwatch.Frequency).ToString("0.00", CultureInfo.InvariantCulture);
    }
}
