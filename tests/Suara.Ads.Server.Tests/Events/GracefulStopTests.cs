using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Suara.Ads.Server.Tests.Support;

namespace Suara.Ads.Server.Tests.Events;

/// <summary>
/// A SIGTERM under load: every beacon the server acknowledged is in Redis after it exits. The test moves on signals:
/// the host's "Application started", the 200th acknowledged beacon, the process's exit and what its flusher logs
/// while it drains.
/// </summary>
public sealed class GracefulStopTests
{
    [Fact]
    public async Task Sigterm_UnderLoad_LosesNoAcknowledgedEvent()
    {
        using var redis = TestRedis.Connect();
        var prefix = $"test-{Guid.NewGuid():N}:";
        using var server = new ServerProcess(TestCatalog.Document(TestCatalog.Campaign("london")), new Dictionary<string, string>
        {
            ["Redis__Configuration"] = TestRedis.Configuration,
            ["Redis__KeyPrefix"] = prefix,
            ["Ads__SigningKey"] = AdsServerFactory.SigningKey,
            ["Ads__AdminKey"] = AdsServerFactory.AdminKey,
            // A long flush interval: at the signal, most events are still only in memory.
            ["Ads__FlushInterval"] = "00:00:30",
            ["Ads__Traffic__DecisionsPerMinute"] = "10000000",
            ["Ads__Traffic__EventsPerMinute"] = "10000000",
            ["Ads__Traffic__FloodDecisionsPerAddress"] = "10000000",
            ["Ads__Traffic__FloodEventsPerAddress"] = "10000000",
        });
        using var client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        client.DefaultRequestHeaders.UserAgent.ParseAdd(AdsServerFactory.BrowserUserAgent);
        await server.WaitUntilReadyAsync(client, TimeSpan.FromSeconds(60));

        var served = 0;
        var acknowledged = 0;
        var loaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        async Task Worker()
        {
            // Bounded: each worker stops when the server is gone or after 400 rounds.
            for (var i = 0; i < 400 && !stop.IsCancellationRequested; i++)
            {
                try
                {
                    using var decision = await client.PostAsync("/v1/decisions", new StringContent(
                        """{"site":"suara","slots":[{"id":"s","placement":"sidebar"}]}""", Encoding.UTF8, "application/json"));
                    if (decision.StatusCode != HttpStatusCode.OK)
                    {
                        break;
                    }

                    Interlocked.Increment(ref served);
                    var url = (string)JsonNode.Parse(await decision.Content.ReadAsStringAsync())!["slots"]!["s"]!["impressionUrl"]!;
                    using var beacon = await client.PostAsync(url, null);
                    if (beacon.StatusCode == HttpStatusCode.NoContent && Interlocked.Increment(ref acknowledged) == 200)
                    {
                        loaded.TrySetResult();
                    }
                }
                catch (HttpRequestException)
                {
                    break;
                }
                catch (TaskCanceledException)
                {
                    break;
                }
            }
        }

        var workers = Enumerable.Range(0, 4).Select(_ => Task.Run(Worker)).ToArray();

        // The signal goes out under load: once 200 beacons were acknowledged (or, if the workers ended first, fail).
        await Task.WhenAny(loaded.Task, Task.WhenAll(workers)).WaitAsync(stop.Token);
        Assert.True(loaded.Task.IsCompleted, $"the workers ended after only {acknowledged} acknowledged beacons:\n" + string.Join("\n", server.Output));
        var draining = server.WaitForOutputAsync(line => line.Contains("Stopping: writing", StringComparison.Ordinal), stop.Token);
        server.Terminate();
        await Task.WhenAll(workers);
        await server.WaitForExitAsync(stop.Token);

        Assert.Equal(0, server.ExitCode);

        // The flush interval is 30 s, so at the signal the counts were still in memory: the drain wrote them, all.
        var pendingAtStop = long.Parse(Regex.Match(await draining, @"writing (\d+) counted").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(pendingAtStop > 0, "nothing was left to drain at the signal, so the drain was not tested");
        Assert.Contains(server.Output, line => line.Contains("Stopped with every counted event written to Redis", StringComparison.Ordinal));
        Assert.DoesNotContain(server.Output, line => line.Contains("not written to Redis", StringComparison.Ordinal));
        var totals = await CounterReader.TotalsAsync(redis.GetDatabase(), prefix, "london", DateTimeOffset.UtcNow);
        if (DateTimeOffset.UtcNow.AddMinutes(-2).UtcDateTime.Date != DateTimeOffset.UtcNow.UtcDateTime.Date)
        {
            // Just past midnight UTC the first events may sit in yesterday's hash.
            var earlier = await CounterReader.TotalsAsync(redis.GetDatabase(), prefix, "london", DateTimeOffset.UtcNow.AddMinutes(-2));
            totals['i'] += earlier['i'];
            totals['s'] += earlier['s'];
        }

        Assert.Equal(acknowledged, totals['i']);
        Assert.Equal(served, totals['s']);
    }
}
