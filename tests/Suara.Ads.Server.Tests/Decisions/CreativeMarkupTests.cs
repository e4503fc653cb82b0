using Suara.Ads.Core.Catalog;
using Suara.Ads.Server.Decisions;

namespace Suara.Ads.Server.Tests.Decisions;

/// <summary>Markup made once per creative and completed per request is exactly the markup made whole each time.</summary>
public sealed class CreativeMarkupTests
{
    public static TheoryData<Creative, CreativeFormat> Creatives() => new()
    {
        { new Creative { Id = "img", Format = "image", Size = "300x250", ImageUrl = "/creatives/a b.svg", Alt = "Fly <London> & \"more\" é", ClickUrl = "https://skyway.example/x" }, CreativeFormat.Image },
        { new Creative { Id = "txt", Format = "text", Size = "300x250", Headline = "Kopi & <cake>", Body = "Ipoh's 'best'", ClickUrl = "https://kopi.example/" }, CreativeFormat.Text },
        { new Creative { Id = "txt2", Format = "text", Size = "300x250", Headline = "No body", ClickUrl = "https://kopi.example/" }, CreativeFormat.Text },
        { new Creative { Id = "htm", Format = "html", Size = "728x90", Html = "<a href=\"{{CLICK_URL}}\">Go</a> or <a href='{{CLICK_URL}}'>here</a> — ünïcode 😀", ClickUrl = "https://x.example/" }, CreativeFormat.Html },
        { new Creative { Id = "htm0", Format = "html", Size = "728x90", Html = "<p>no click macro</p>", ClickUrl = "https://x.example/" }, CreativeFormat.Html },
    };

    [Theory]
    [MemberData(nameof(Creatives))]
    public void Render_IsTheMarkupMadeWhole_ForEveryClickUrl(Creative creative, CreativeFormat format)
    {
        var size = new CreativeSize(300, 250);
        foreach (var click in (string[])["https://ads.example/v1/events/AbC-_1", "https://ads.example/v1/events/x?a=1&b=<2>", "https://ads.example/v1/events/Zz9"])
        {
            Assert.Equal(CreativeMarkup.Make(creative, format, size, click, "https://ads.example"), CreativeMarkup.Render(creative, format, size, click, "https://ads.example"));
        }

        // Another base URL or size is another markup, not the first one's.
        Assert.Equal(CreativeMarkup.Make(creative, format, new CreativeSize(728, 90), "c", "http://other.example"), CreativeMarkup.Render(creative, format, new CreativeSize(728, 90), "c", "http://other.example"));
    }

    [Fact]
    public void Markup_HoldsNoDoubleQuote_AndAValueCannotEndItsAttribute()
    {
        var creative = new Creative { Id = "q", Format = "image", Size = "300x250", ImageUrl = "https://cdn.example/a'b\".png", Alt = "it's \"quoted\" <b>", ClickUrl = "https://x.example/" };
        var markup = CreativeMarkup.Render(creative, CreativeFormat.Image, new CreativeSize(300, 250), "https://ads.example/v1/events/a'b", "https://ads.example");
        Assert.DoesNotContain("\"", markup, StringComparison.Ordinal);
        Assert.Contains("alt='it&#x27;s &quot;quoted&quot; &lt;b&gt;'", markup, StringComparison.Ordinal);
        Assert.Contains("href='https://ads.example/v1/events/a&#x27;b'", markup, StringComparison.Ordinal);
        Assert.Equal(2 * 9, markup.Count(c => c == '\'')); // 9 attributes, each opened and closed, and no other quote
    }
}
