using System.Net.Sockets;
using System.Text;
using Suara.Ads.Server.Tests.Support;

namespace Suara.Ads.Server.Tests.Hosting;

/// <summary>A client that cuts its body short logs one line a request, not the exception handler's stack trace.</summary>
public sealed class BrokenClientTests
{
    [Fact]
    public async Task ABodyCutShort_LogsOneLine_NotAStackTrace()
    {
        using var server = new ServerProcess(TestCatalog.Document(TestCatalog.Campaign("london")), new Dictionary<string, string>
        {
            ["Redis__Configuration"] = TestRedis.Configuration,
            ["Redis__KeyPrefix"] = $"test-{Guid.NewGuid():N}:",
            ["Ads__SigningKey"] = AdsServerFactory.SigningKey,
            ["Ads__AdminKey"] = AdsServerFactory.AdminKey,
        });
        using var client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        await server.WaitUntilReadyAsync(client, TimeSpan.FromSeconds(60));

        for (var i = 0; i < 3; i++)
        {
            using var socket = new TcpClient();
            await socket.ConnectAsync("127.0.0.1", server.Port);
            var stream = socket.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes("POST /v1/decisions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"site\":\"suara\",\"slots\":["));
            await stream.FlushAsync();

            // The rest of the body never comes: the client stalls a moment (the server is waiting for it), then drops
            // the connection. (A client that only half-closes is treated as gone: one debug line, nothing else.)
            await Task.Delay(200);
            socket.Client.Close();
        }

        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await server.WaitForOutputAsync(_ => server.Output.Count(o => o.Contains("a bad request from the client", StringComparison.Ordinal)) >= 3, guard.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail("The server did not log the three bad requests:\n" + string.Join("\n", server.Output));
        }

        Assert.Equal(3, server.Output.Count(l => l.Contains("POST /v1/decisions: a bad request from the client, answered 400: Unexpected end of request content.", StringComparison.Ordinal)));
        Assert.DoesNotContain(server.Output, l => l.TrimStart().StartsWith("at Microsoft.AspNetCore", StringComparison.Ordinal));
        Assert.DoesNotContain(server.Output, l => l.Contains("An unhandled exception", StringComparison.Ordinal));
    }
}
