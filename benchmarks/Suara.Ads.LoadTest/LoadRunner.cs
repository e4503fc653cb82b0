using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Suara.Ads.LoadTest;

/// <summary>
/// Closed-loop load: <c>Concurrency</c> workers, each with one request in flight, POST 4-slot pages to
/// <c>/v1/decisions</c> for warmup + duration seconds (and, with <c>--events</c>, GET the impression beacon of
/// every filled slot). Every loop is bounded in count and in time, and a hard deadline cancels whatever is in flight.
/// </summary>
internal sealed class LoadRunner
{
    /// <summary>Upper bound on requests per worker, whatever the clock says.</summary>
    public const long MaxIterationsPerWorker = 5_000_000;

    private static readonly MediaTypeHeaderValue s_json = new("application/json");

    private readonly LoadOptions _options;
    private readonly HttpClient _client;
    private readonly byte[][] _bodies;

    public LoadRunner(LoadOptions options, HttpClient client, byte[][] bodies)
    {
        _options = options;
        _client = client;
        _bodies = bodies;
    }

    public async Task<WorkerStats[]> RunAsync(CancellationToken cancellation)
    {
        var start = Stopwatch.GetTimestamp();
        var measureFrom = start + (_options.WarmupSeconds * Stopwatch.Frequency);
        var end = measureFrom + (_options.DurationSeconds * Stopwatch.Frequency);
        var workers = new Task<WorkerStats>[_options.Concurrency];
        for (var w = 0; w < workers.Length; w++)
        {
            var index = w;
            workers[w] = Task.Run(() => WorkerAsync(index, measureFrom, end, cancellation), CancellationToken.None);
        }

        return await Task.WhenAll(workers).ConfigureAwait(false);
    }

    private async Task<WorkerStats> WorkerAsync(int index, long measureFrom, long end, CancellationToken cancellation)
    {
        var stats = new WorkerStats();
        var next = index * 7;
        for (long iteration = 0; iteration < MaxIterationsPerWorker && !cancellation.IsCancellationRequested; iteration++)
        {
            var started = Stopwatch.GetTimestamp();
            if (started >= end)
            {
                break;
            }

            var measuring = started >= measureFrom;
            var body = _bodies[next++ % _bodies.Length];
            byte[]? payload = null;
            try
            {
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = s_json;
                using var response = await _client.PostAsync(new Uri("v1/decisions", UriKind.Relative), content, cancellation).ConfigureAwait(false);
                payload = await response.Content.ReadAsByteArrayAsync(cancellation).ConfigureAwait(false);
                var elapsed = Stopwatch.GetTimestamp() - started;
                if (measuring)
                {
                    stats.DecisionTicks.Add(elapsed);
                    WorkerStats.Count(stats.DecisionStatus, (int)response.StatusCode);
                }
                else
                {
                    stats.WarmupRequests++;
                }

                if (response.StatusCode != System.Net.HttpStatusCode.OK)
                {
                    payload = null;
                }
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
            {
                if (measuring)
                {
                    stats.DecisionFailures++;
                }

                continue;
            }

            if (payload is not null)
            {
                await HandleFilledSlotsAsync(payload, measuring, stats, cancellation).ConfigureAwait(false);
            }
        }

        return stats;
    }

    private async Task HandleFilledSlotsAsync(byte[] payload, bool measuring, WorkerStats stats, CancellationToken cancellation)
    {
        var beacons = new List<string>(RequestPool.SlotsPerPage);
        using (var document = JsonDocument.Parse(payload))
        {
            foreach (var slot in document.RootElement.GetProperty("slots").EnumerateObject())
            {
                if (measuring)
                {
                    stats.SlotsRequested++;
                }

                if (slot.Value.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                if (measuring)
                {
                    stats.SlotsFilled++;
                }

                // Only server-relative beacons: never follow a URL that could leave this machine.
                if (_options.Events && slot.Value.TryGetProperty("impressionUrl", out var url)
                    && url.GetString() is { } text && text.StartsWith('/') && !text.StartsWith("//", StringComparison.Ordinal))
                {
                    beacons.Add(text[1..]);
                }
            }
        }

        foreach (var beacon in beacons)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                using var response = await _client.GetAsync(new Uri(beacon, UriKind.Relative), HttpCompletionOption.ResponseContentRead, cancellation).ConfigureAwait(false);
                var elapsed = Stopwatch.GetTimestamp() - started;
                if (measuring)
                {
                    stats.EventTicks.Add(elapsed);
                    WorkerStats.Count(stats.EventStatus, (int)response.StatusCode);
                }
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
            {
                if (measuring)
                {
                    stats.EventFailures++;
                }
            }
        }
    }
}
