using System.Text;
using System.Text.Json;
using Suara.Ads.Core.Catalog;
using Suara.Ads.Core.Delivery;
using Suara.Ads.Core.Events;
using Suara.Ads.Core.Selection;
using Suara.Ads.Core.Snapshot;
using Suara.Ads.Server.Decisions;
using Suara.Ads.Server.Tests.Support;

namespace Suara.Ads.Server.Tests.Decisions;

/// <summary>
/// The decision answer written by hand (markup and event URLs copied as bytes) is byte for byte what the serializer
/// writes of the same answer made of strings.
/// </summary>
public sealed class DecisionJsonResultTests
{
    private static readonly Creative[] s_creatives =
    [
        new() { Id = "img", Format = "image", Size = "300x250", ImageUrl = "/creatives/a b.svg", Alt = "Fly <London> & \"more\" é", ClickUrl = "https://skyway.example/london?a=1&b=2" },
        new() { Id = "txt", Format = "text", Size = "300x250", Headline = "Kopi & <cake> \\ \u0001", Body = "Ipoh's 'best'", ClickUrl = "https://kopi.example/" },
        new() { Id = "htm", Format = "html", Size = "300x250", Html = "<a href=\"{{CLICK_URL}}\">Go</a> or <a href='{{CLICK_URL}}'>here</a> — ünïcode 😀 </script>", ClickUrl = "https://x.example/" },
        new() { Id = "htm0", Format = "html", Size = "300x250", Html = "<p>no click macro</p>", ClickUrl = "https://x.example/" },
    ];

    public static TheoryData<string[], int, string> Pages()
    {
        var data = new TheoryData<string[], int, string>();
        string[][] pages =
        [
            ["s:sidebar", "t:article-top"],                      // filled and empty
            ["s:sidebar", "u:nowhere", "t:article-top"],         // an unknown placement among them
            ["s:sidebar", "s:article-top", "x:nowhere"],         // a slot id used twice, and an error of its own
            ["a:nowhere", "b:nowhere-either"],                   // nothing decided (the endpoint answers 400; the writer still agrees)
            ["q\"uote<&>é:sidebar"],                             // an id that JSON must escape
        ];
        foreach (var page in pages)
        {
            data.Add(page, 0, "https://ads.example");
        }

        for (var creative = 1; creative < s_creatives.Length; creative++)
        {
            data.Add(pages[0], creative, "https://ads.example");
        }

        data.Add(pages[0], 0, "https://ads.example/a&b'<c>"); // a base URL that HTML must encode
        data.Add(pages[0], 2, "https://ads.example/a&b'<c>");
        return data;
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public void Write_IsWhatTheSerializerWrites(string[] slots, int creative, string baseUrl)
    {
        var snapshot = CatalogSnapshotBuilder.Build(TestCatalog.Document(TestCatalog.Campaign("london", null, s_creatives[creative])), 1);
        var request = new DecisionRequest { Site = "suara", Context = new Core.Targeting.TargetingContext(), Slots = [.. slots.Select(s => new SlotRequest(s[..s.LastIndexOf(':')], s[(s.LastIndexOf(':') + 1)..]))] };
        var result = new DecisionEngine(new InMemoryDeliveryLedger(), new SeededRandomSource(7)).Decide(snapshot, request, ViewerHistory.Empty, new DateTimeOffset(2026, 11, 30, 4, 0, 0, TimeSpan.Zero));
        var codec = new EventTokenCodec(new string('k', 40));
        var sequencer = new AdSequencer(0x1234_5678_9abc_def0);
        var errors = new List<KeyValuePair<string, string>>();
        var rendered = new RenderedSlot?[result.Slots.Count];
        for (var i = 0; i < rendered.Length; i++)
        {
            if (result.SlotErrors?[i] is { } error)
            {
                errors.Add(new(request.Slots[i].Id, error));
            }
            else if (result.Slots[i] is { } decision)
            {
                var tokens = EventUrls.For(codec, sequencer, Guid.NewGuid(), new DateTimeOffset(2026, 11, 30, 4, 0, 0, TimeSpan.Zero), decision, null);
                rendered[i] = new RenderedSlot(decision, CreativeMarkup.Made(decision.Creative, decision.Format, decision.Size, baseUrl), tokens);
            }
        }

        Assert.Contains(rendered, r => r is not null || slots[0].StartsWith('a'));
        var page = new RenderedPage("0193a1b2c3d47e5f8a9b0c1d2e3f4a5b", rendered);
        var slotErrors = errors.Count == 0 ? null : errors;
        var expected = JsonSerializer.Serialize(DecisionsApi.Response(page, request, result, slotErrors), DecisionsJsonContext.Response);

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            new DecisionJsonResult(page, request, result, slotErrors).Write(writer);
        }

        Assert.Equal(expected, Encoding.UTF8.GetString(buffer.ToArray()));
        Assert.Contains("\"slots\"", expected, StringComparison.Ordinal);
    }

    [Fact]
    public void RenderedSlot_IsTheMarkupMadeWhole_WithItsAbsoluteClickUrl()
    {
        var snapshot = CatalogSnapshotBuilder.Build(TestCatalog.Document(TestCatalog.Campaign("london", null, s_creatives[2])), 1);
        var request = new DecisionRequest { Site = "suara", Context = new Core.Targeting.TargetingContext(), Slots = [new SlotRequest("s", "sidebar")] };
        var decision = new DecisionEngine(new InMemoryDeliveryLedger(), new SeededRandomSource(7)).Decide(snapshot, request, ViewerHistory.Empty, new DateTimeOffset(2026, 11, 30, 4, 0, 0, TimeSpan.Zero)).Slots[0]!;
        var tokens = EventUrls.For(new EventTokenCodec(new string('k', 40)), new AdSequencer(7), Guid.NewGuid(), new DateTimeOffset(2026, 11, 30, 4, 0, 0, TimeSpan.Zero), decision, null);
        var slot = new RenderedSlot(decision, CreativeMarkup.Made(decision.Creative, decision.Format, decision.Size, "https://ads.example"), tokens);

        Assert.StartsWith("/v1/events/", slot.ClickUrl, StringComparison.Ordinal);
        Assert.NotEqual(slot.ImpressionUrl, slot.ClickUrl);
        Assert.Equal(CreativeMarkup.Make(decision.Creative, decision.Format, decision.Size, "https://ads.example" + slot.ClickUrl, "https://ads.example"), slot.Html);
        Assert.Contains("https://ads.example" + slot.ClickUrl, System.Net.WebUtility.HtmlDecode(slot.Html), StringComparison.Ordinal);
    }

    [Fact]
    public void TokenCharacters_AreLeftAsTheyAre_ByHtmlAndJsonEncoding()
    {
        // What lets the answer copy a token's bytes into the markup's click URL without encoding them.
        const string Base64Url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        Assert.Equal(Base64Url, CreativeMarkup.Encode(Base64Url));
        Assert.Equal(Base64Url, Encoding.ASCII.GetString(DecisionJsonResult.JsonContent(Base64Url)));
    }
}
