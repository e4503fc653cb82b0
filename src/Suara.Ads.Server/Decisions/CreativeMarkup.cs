using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Suara.Ads.Core.Catalog;

namespace Suara.Ads.Server.Decisions;

/// <summary>
/// Turns a creative into ready-to-insert markup. Every value from the catalog is HTML-encoded; html creatives
/// go into a sandboxed iframe (no same-origin access, so they cannot reach the host page). Attributes are quoted with
/// <c>'</c>: HTML encoding writes both quotes as references, so the markup holds no <c>"</c> and goes into the JSON
/// answer without a character escaped (escaping it was 4 % of a decision's CPU).
/// </summary>
internal static class CreativeMarkup
{
    /// <summary>The macro in html creatives that is replaced with the tracked click URL.</summary>
    public const string ClickUrlMacro = "{{CLICK_URL}}";

    private static readonly HtmlEncoder s_html = HtmlEncoder.Default;

    // Stands for the click URL while a creative's markup is made once: letters and digits, which HTML encoding leaves
    // as they are, and new in every process, so no creative can contain it.
    private static readonly string s_clickMark = "SUARACLICK" + Guid.NewGuid().ToString("N");

    // A creative's markups (one per format, size and base URL; in practice one), split where the click URL goes; kept
    // while the catalog object is (a new catalog version brings new objects, so edited creatives are made again).
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Creative, MadeMarkup[]> s_made = [];

    /// <summary>The most markups kept per creative: base URLs come from configuration (or, in Development, the Host header).</summary>
    private const int MaxMadePerCreative = 8;

    /// <summary>
    /// The markup of <paramref name="creative"/> with <paramref name="clickUrl"/>: made once per creative, format, size
    /// and base URL (<see cref="Made"/>), then only the click URL is encoded and put in its places on each request.
    /// </summary>
    public static string Render(Creative creative, CreativeFormat format, CreativeSize size, string clickUrl, string baseUrl) =>
        Made(creative, format, size, baseUrl).Html(clickUrl);

    /// <summary>
    /// The markup of a creative for a format, size and base URL, made once and kept with the creative: a walk over its
    /// few markups, the base URL compared by reference first (it is the same configured string on every request).
    /// </summary>
    public static MadeMarkup Made(Creative creative, CreativeFormat format, CreativeSize size, string baseUrl)
    {
        if (s_made.TryGetValue(creative, out var made))
        {
            foreach (var m in made)
            {
                if (m.Format == format && m.Size == size && (ReferenceEquals(m.BaseUrl, baseUrl) || string.Equals(m.BaseUrl, baseUrl, StringComparison.Ordinal)))
                {
                    return m;
                }
            }
        }

        var markup = new MadeMarkup(Make(creative, format, size, s_clickMark, baseUrl).Split(s_clickMark), format, size, baseUrl);
        var kept = made is null || made.Length >= MaxMadePerCreative ? [markup] : (MadeMarkup[])[.. made, markup];
        s_made.AddOrUpdate(creative, kept); // a race keeps one thread's list; the other's markup is made again next time
        return markup;
    }

    /// <summary>HTML-encodes a value as the markup does (exposed for the answer's writer and its tests).</summary>
    public static string Encode(string value) => s_html.Encode(value);

    /// <summary>Makes the markup (every value from the catalog HTML-encoded; html creatives in a sandboxed frame).</summary>
    internal static string Make(Creative creative, CreativeFormat format, CreativeSize size, string clickUrl, string baseUrl)
    {
        var w = size.Width.ToString(CultureInfo.InvariantCulture);
        var h = size.Height.ToString(CultureInfo.InvariantCulture);
        var click = s_html.Encode(clickUrl);
        var sb = new StringBuilder(256);
        switch (format)
        {
            case CreativeFormat.Image:
                var src = creative.ImageUrl is { Length: > 0 } img && img[0] == '/' ? baseUrl + img : creative.ImageUrl ?? "";
                sb.Append("<a href='").Append(click).Append("' target='_blank' rel='noopener sponsored' style='display:block;width:")
                  .Append(w).Append("px;height:").Append(h).Append("px'><img src='").Append(s_html.Encode(src))
                  .Append("' alt='").Append(s_html.Encode(creative.Alt ?? "")).Append("' width='").Append(w)
                  .Append("' height='").Append(h).Append("' style='border:0;display:block'></a>");
                break;
            case CreativeFormat.Text:
                sb.Append("<a href='").Append(click).Append("' target='_blank' rel='noopener sponsored' class='suara-ad-text' style='display:flex;flex-direction:column;justify-content:center;box-sizing:border-box;width:")
                  .Append(w).Append("px;height:").Append(h)
                  .Append("px;padding:12px;overflow:hidden;border:1px solid #d0d4d9;background:#fff;color:#1a1a1a;text-decoration:none;font:14px/1.4 sans-serif'><strong style='font-size:16px;color:#0b4f8a'>")
                  .Append(s_html.Encode(creative.Headline ?? "")).Append("</strong>");
                if (creative.Body is { Length: > 0 } body)
                {
                    sb.Append("<span style='margin-top:6px'>").Append(s_html.Encode(body)).Append("</span>");
                }

                sb.Append("<small style='margin-top:8px;color:#6b7280'>Ad</small></a>");
                break;
            default:
                var doc = "<!doctype html><html><head><meta charset=\"utf-8\"><base target=\"_blank\"><style>html,body{margin:0;padding:0;overflow:hidden}</style></head><body>"
                    + (creative.Html ?? "").Replace(ClickUrlMacro, clickUrl, StringComparison.Ordinal)
                    + "</body></html>";
                sb.Append("<iframe sandbox='allow-scripts allow-popups allow-popups-to-escape-sandbox' referrerpolicy='no-referrer' title='Advertisement' width='")
                  .Append(w).Append("' height='").Append(h).Append("' style='border:0;display:block' scrolling='no' srcdoc='")
                  .Append(s_html.Encode(doc)).Append("'></iframe>");
                break;
        }

        return sb.ToString();
    }
}

/// <summary>
/// A creative's markup for one format, size and base URL, made once: the text around the click URL's places, as text
/// and as the content of a JSON string written the way the decision answer writes it (<see cref="DecisionJsonResult"/>),
/// so that an answer copies bytes rather than building and encoding a string per slot.
/// </summary>
internal sealed class MadeMarkup
{
    public MadeMarkup(string[] parts, CreativeFormat format, CreativeSize size, string baseUrl)
    {
        Parts = parts;
        Format = format;
        Size = size;
        BaseUrl = baseUrl;
        JsonParts = Array.ConvertAll(parts, DecisionJsonResult.JsonContent);
        ClickPrefixJson = DecisionJsonResult.JsonContent(CreativeMarkup.Encode(baseUrl + EventUrls.PathPrefix));
    }

    /// <summary>The markup split where the click URL goes (one part: no click URL in it).</summary>
    public string[] Parts { get; }

    /// <summary>The format it was made for.</summary>
    public CreativeFormat Format { get; }

    /// <summary>The size it was made for.</summary>
    public CreativeSize Size { get; }

    /// <summary>The base URL links are made absolute against.</summary>
    public string BaseUrl { get; }

    /// <summary>Each of <see cref="Parts"/> as JSON string content (UTF-8, escaped, no quotes).</summary>
    public byte[][] JsonParts { get; }

    /// <summary>
    /// The click URL up to its token (<see cref="BaseUrl"/> and the event path), HTML-encoded, as JSON string content. A
    /// token is base64url, which neither HTML nor JSON encoding changes, so the click URL in the markup is this and the
    /// token's bytes.
    /// </summary>
    public byte[] ClickPrefixJson { get; }

    /// <summary>
    /// The head of the decision answer's object for a slot of this markup (<see cref="DecisionJsonResult"/>), made on first
    /// use, with the campaign it names (a creative belongs to one campaign; compared by reference).
    /// </summary>
    public SlotHead? JsonHead { get; set; }

    /// <summary>The markup with <paramref name="clickUrl"/> in its places.</summary>
    public string Html(string clickUrl)
    {
        if (Parts.Length == 1)
        {
            return Parts[0];
        }

        var click = CreativeMarkup.Encode(clickUrl);
        return Parts.Length == 2 ? string.Concat(Parts[0], click, Parts[1]) : string.Join(click, Parts);
    }
}

/// <summary>The start of a slot's object in the decision answer, up to its markup, and the campaign it names.</summary>
internal sealed record SlotHead(string Campaign, byte[] Json);
