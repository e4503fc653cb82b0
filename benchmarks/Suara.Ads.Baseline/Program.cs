// A bare endpoint for benchmarks/http.sh, hosted with the server's defaults (WebApplication.CreateBuilder, Kestrel,
// minimal API, configuration from the environment and the command line). It does no work of its own, so the server's
// throughput divided by this one's is the share of what ASP.NET Core allows on this machine that the server reaches.
//   POST /v1/decisions          reads the whole request body, answers 200 application/json with a fixed body of
//                               --BodyBytes bytes (http.sh passes the mean size of the server's real answers)
//   GET|POST /v1/events/{token} 204
//   GET /readyz                 200
using System.Text;

var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();
var body = FixedBody(app.Configuration.GetValue("BodyBytes", 3_600));

app.MapPost("/v1/decisions", async (HttpContext http) =>
{
    var reader = http.Request.BodyReader;
    while (true)
    {
        var read = await reader.ReadAsync(http.RequestAborted).ConfigureAwait(false);
        reader.AdvanceTo(read.Buffer.End);
        if (read.IsCompleted)
        {
            break;
        }
    }

    return Results.Bytes(body, "application/json");
});
app.MapMethods("/v1/events/{token}", ["GET", "POST"], (string token) => Results.NoContent());
app.MapGet("/readyz", () => Results.Text("ready"));
app.Run();

// A JSON object of exactly `size` bytes (at least the bytes of its frame).
static byte[] FixedBody(int size)
{
    const string Head = "{\"decisionId\":\"baseline\",\"padding\":\"";
    const string Tail = "\"}";
    var padding = Math.Max(0, size - Head.Length - Tail.Length);
    return Encoding.UTF8.GetBytes(Head + new string('x', padding) + Tail);
}
