using System.Text;
using System.Text.Json;
using Suara.Ads.Core.Delivery;
using Suara.Ads.Core.Selection;
using Suara.Ads.Core.Snapshot;
using Suara.Ads.Server.Decisions;
using Suara.Ads.Server.Tests.Support;

namespace Suara.Ads.Server.Tests.Decisions;

/// <summary>The decision answer written by hand is byte for byte what the serializer writes of the same answer.</summary>
public sealed class DecisionJsonResultTests
{
    public static TheoryData<string[]> Pages() => new()
    {
        { ["s:sidebar", "t:article-top"] },                      // filled and empty
        { ["s:sidebar", "u:nowhere", "t:article-top"] },         // an unknown placement among them
        { ["s:sidebar", "s:article-top", "x:nowhere"] },         // a slot id used twice, and an error of its own
        { ["a:nowhere", "b:nowhere-either"] },                   // nothing decided (the endpoint answers 400; the writer still agrees)
        { ["q\"uote<&>é:sidebar"] },                             // an id that JSON must escape
    };

    [Theory]
    [MemberData(nameof(Pages))]
    public void Write_IsWhatTheSerializerWrites(string[] slots)
    {
        var snapshot = CatalogSnapshotBuilder.Build(TestCatalog.Document(TestCatalog.Campaign("london")), 1);
        var request = new DecisionRequest { Site = "suara", Context = new Core.Targeting.TargetingContext(), Slots = [.. slots.Select(s => new SlotRequest(s[..s.LastIndexOf(':')], s[(s.LastIndexOf(':') + 1)..]))] };
        var result = new DecisionEngine(new InMemoryDeliveryLedger(), new SeededRandomSource(7)).Decide(snapshot, request, ViewerHistory.Empty, new DateTimeOffset(2026, 11, 30, 4, 0, 0, TimeSpan.Zero));
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
                rendered[i] = new RenderedSlot(decision, $"<a href=\"/c/{i}\"><img src='x.svg' alt=\"Fly & <more>\"></a>", $"/v1/events/i{i}", $"/v1/events/v{i}", $"/v1/events/c{i}");
            }
        }

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
}
