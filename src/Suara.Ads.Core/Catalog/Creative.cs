namespace Suara.Ads.Core.Catalog;

/// <summary>One creative of a campaign.</summary>
/// <remarks>
/// Properties with a default are <c>set</c>, not <c>init</c>: System.Text.Json's source generator passes every
/// init-only property through the object initializer, so a member missing from the JSON would overwrite its default
/// with null or 0 (dotnet/runtime#84484) and an admin PUT that omits an optional field would be refused. Treat
/// instances as immutable all the same: the catalog never changes one after it is read. The others are <c>set</c> too:
/// with any init-only property the generated reader buffers every value (boxed) until the object can be made, which at
/// 100k campaigns and 250k creatives per load was about a tenth of the load's garbage.
/// </remarks>
public sealed record Creative
{
    /// <summary>The creative id, unique within its campaign.</summary>
    public string Id { get; set; } = "";

    /// <summary><c>image</c>, <c>html</c> or <c>text</c>.</summary>
    public string Format { get; set; } = "";

    /// <summary><c>WIDTHxHEIGHT</c>, e.g. <c>300x250</c>.</summary>
    public string Size { get; set; } = "";

    /// <summary>Image URL (image format): absolute http(s), or a path on the ad server starting with <c>/</c>.</summary>
    public string? ImageUrl { get; set; }

    /// <summary>Alternative text of the image.</summary>
    public string? Alt { get; set; }

    /// <summary>Headline (text format).</summary>
    public string? Headline { get; set; }

    /// <summary>Body text (text format).</summary>
    public string? Body { get; set; }

    /// <summary>Markup (html format), rendered in a sandboxed frame. <c>{{CLICK_URL}}</c> is replaced with the tracked click URL.</summary>
    public string? Html { get; set; }

    /// <summary>Landing page: absolute http(s) URL.</summary>
    public string ClickUrl { get; set; } = "";

    /// <summary>Relative weight among the campaign's creatives, 1 to 1,000,000.</summary>
    public int Weight { get; set; } = 1;
}
