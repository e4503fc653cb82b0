using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Suara.Ads.Server.Tests.Support;

namespace Suara.Ads.Server.Tests.Events;

/// <summary>A SIGTERM under load: every beacon the server acknowledged is in Redis after it exits.</summary>
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
        });
        using var client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        await server.WaitUntilReadyAsync(client, TimeSpan.FromSeconds(30));

        var served = 0;
        var acknowledged = 0;
        var signalled = false;
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
                    if (beacon.StatusCode == HttpStatusCode.NoContent)
                    {
                        Interlocked.Increment(ref acknowledged);
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
        while (Volatile.Read(ref acknowledged) < 200 && !workers.All(w => w.IsCompleted))
        {
            await Task.Delay(10); // waiting for load to build up before the signal
        }

        server.Terminate();
        signalled = true;
        await Task.WhenAll(workers);
        await server.WaitForExitAsync(stop.Token);

        Assert.True(signalled);
        Assert.True(acknowledged >= 200, $"only {acknowledged} beacons before the stop");
        Assert.Equal(0, server.ExitCode);
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
