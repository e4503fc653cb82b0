namespace Suara.Ads.Core.Catalog;

/// <summary>One creative of a campaign.</summary>
public sealed record Creative
{
    /// <summary>The creative id, unique within its campaign.</summary>
    public string Id { get; init; } = "";

    /// <summary><c>image</c>, <c>html</c> or <c>text</c>.</summary>
    public string Format { get; init; } = "";

    /// <summary><c>WIDTHxHEIGHT</c>, e.g. <c>300x250</c>.</summary>
    public string Size { get; init; } = "";

    /// <summary>Image URL (image format): absolute http(s), or a path on the ad server starting with <c>/</c>.</summary>
    public string? ImageUrl { get; init; }

    /// <summary>Alternative text of the image.</summary>
    public string? Alt { get; init; }

    /// <summary>Headline (text format).</summary>
    public string? Headline { get; init; }

    /// <summary>Body text (text format).</summary>
    public string? Body { get; init; }

    /// <summary>Markup (html format), rendered in a sandboxed frame. <c>{{CLICK_URL}}</c> is replaced with the tracked click URL.</summary>
    public string? Html { get; init; }

    /// <summary>Landing page: absolute http(s) URL.</summary>
    public string ClickUrl { get; init; } = "";

    /// <summary>Relative weight among the campaign's creatives, 1 to 1,000,000.</summary>
    public int Weight { get; init; } = 1;
}
