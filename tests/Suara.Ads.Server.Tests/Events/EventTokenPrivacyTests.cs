using System.Buffers.Text;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Suara.Ads.Core.Delivery;
using Suara.Ads.Core.Events;
using Suara.Ads.Server.Tests.Support;

namespace Suara.Ads.Server.Tests.Events;

/// <summary>
/// Event tokens are readable by whoever holds their URL (an HTML creative reads its own click URL; base64url is not
/// encryption): they must carry nothing from which the reader's id can be read, only its keyed digest.
/// </summary>
public sealed partial class EventTokenPrivacyTests
{
    // Every six-character piece of it has a character outside hex, so no piece can turn up by chance in a hex digest.
    private const string ViewerId = "Reader.Qz7/aisha@pembaca.my:42";

    private const string AllSlots = """[{"id":"top","placement":"article-top"},{"id":"inline","placement":"article-inline"},{"id":"side","placement":"sidebar"},{"id":"foot","placement":"footer"}]""";

    [Fact]
    public async Task EventUrls_OfRealDecisions_CarryNoPieceOfTheViewerId()
    {
        using var factory = new AdsServerFactory();
        var client = factory.CreateClient();
        var digest = factory.Services.GetRequiredService<ViewerDigest>().Of(ViewerId);
        var urls = new List<string>();

        // Decisions (every placement of the demo site), with their markup's absolute links ...
        for (var i = 0; i < 10; i++)
        {
            var body = new JsonObject
            {
                ["site"] = "suara",
                ["page"] = new JsonObject { ["url"] = "https://suara.example/news/a", ["section"] = "news" },
                ["slots"] = JsonNode.Parse(AllSlots),
                ["user"] = new JsonObject { ["id"] = ViewerId },
            };
            using var response = await client.PostAsync("/v1/decisions", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            foreach (var (_, slot) in JsonNode.Parse(await response.Content.ReadAsStringAsync())!["slots"]!.AsObject())
            {
                Assert.NotNull(slot);
                urls.Add((string)slot["impressionUrl"]!);
                urls.Add((string)slot["viewableUrl"]!);
                urls.Add((string)slot["clickUrl"]!);
                urls.AddRange(EventUrlsIn((string)slot["html"]!));
            }
        }

        // ... and the iframe document of one slot.
        using (var slotHtml = await client.GetAsync($"/v1/slot.html?site=suara&placement=sidebar&user={Uri.EscapeDataString(ViewerId)}"))
        {
            Assert.Equal(HttpStatusCode.OK, slotHtml.StatusCode);
            var found = EventUrlsIn(await slotHtml.Content.ReadAsStringAsync());
            Assert.NotEmpty(found);
            urls.AddRange(found);
        }

        Assert.True(urls.Count >= 10 * 4 * 3, $"only {urls.Count} event URLs");
        var pieces = Pieces(ViewerId, 6);
        var codec = new EventTokenCodec(AdsServerFactory.SigningKey);
        foreach (var url in urls)
        {
            foreach (var piece in pieces)
            {
                Assert.DoesNotContain(piece, url, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain(Uri.EscapeDataString(piece), url, StringComparison.OrdinalIgnoreCase);
            }

            var token = url[(url.IndexOf("/v1/events/", StringComparison.Ordinal) + "/v1/events/".Length)..];
            var bytes = Base64Url.DecodeFromChars(token);
            foreach (var piece in pieces)
            {
                Assert.True(
                    bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(piece)) < 0
                    && bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(piece.ToLowerInvariant())) < 0
                    && bytes.AsSpan().IndexOf(Encoding.Unicode.GetBytes(piece)) < 0,
                    $"the token of {url} holds '{piece}' of the viewer id");
            }

            // What it does hold is the keyed digest, which is what frequency caps and reach are kept by.
            Assert.Equal(EventTokenStatus.Valid, codec.Verify(token, factory.Time.GetUtcNow(), out var claims));
            Assert.Equal(digest, claims!.Viewer);
            Assert.True(bytes.AsSpan().IndexOf(Encoding.ASCII.GetBytes(digest)) >= 0);
        }
    }

    [Fact]
    public void ViewerDigest_OfTheServer_IsKeyedBySecret_NotAPlainHash()
    {
        using var a = new AdsServerFactory();
        using var b = new AdsServerFactory(settings: new Dictionary<string, string?> { ["Ads:SigningKey"] = "another-signing-key-0123456789-0123456789" });
        var digestA = a.Services.GetRequiredService<ViewerDigest>().Of(ViewerId);
        var digestB = b.Services.GetRequiredService<ViewerDigest>().Of(ViewerId);
        var plain = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(ViewerId)));

        Assert.NotEqual(digestA, digestB);
        Assert.DoesNotContain(digestA, plain, StringComparison.Ordinal);
        Assert.Equal(digestA, new ViewerDigest(AdsServerFactory.SigningKey).Of(ViewerId));
    }

    private static List<string> Pieces(string value, int length)
    {
        var pieces = new List<string>();
        for (var start = 0; start + length <= value.Length; start++)
        {
            pieces.Add(value.Substring(start, length));
        }

        return pieces;
    }

    private static IEnumerable<string> EventUrlsIn(string html) =>
        EventUrlPattern().Matches(html).Select(m => WebUtility.HtmlDecode(m.Value));

    [GeneratedRegex("""(?:https?://[^"'\s]+)?/v1/events/[A-Za-z0-9_-]+""")]
    private static partial Regex EventUrlPattern();
}
