using System.Text;
using Microsoft.Extensions.Options;
using Suara.Ads.Core.Events;
using Suara.Ads.Core.Selection;
using Suara.Ads.Server.Hosting;

namespace Suara.Ads.Server.Decisions;

/// <summary>
/// One filled slot, ready for the page: markup and signed, server-relative event URLs. Kept as the made markup and the
/// tokens' bytes: the decision answer copies them into its JSON (<see cref="DecisionJsonResult"/>); the strings are made
/// only when asked for.
/// </summary>
internal sealed class RenderedSlot
{
    private readonly byte[] _tokens;

    /// <param name="decision">The slot's decision.</param>
    /// <param name="markup">The creative's markup for the slot's format, size and base URL.</param>
    /// <param name="tokens">The ad's three tokens, ASCII, one after the other (impression, viewable, click; <see cref="EventUrls.For"/>).</param>
    public RenderedSlot(SlotDecision decision, MadeMarkup markup, byte[] tokens)
    {
        if (tokens.Length == 0 || tokens.Length % 3 != 0)
        {
            throw new ArgumentException("Three tokens of one length.", nameof(tokens));
        }

        Decision = decision;
        Markup = markup;
        _tokens = tokens;
    }

    public SlotDecision Decision { get; }

    public MadeMarkup Markup { get; }

    /// <summary>The token of one event (ASCII, base64url).</summary>
    public ReadOnlySpan<byte> Token(EventType type) => _tokens.AsSpan(((int)type - 1) * (_tokens.Length / 3), _tokens.Length / 3);

    public string ImpressionUrl => Url(EventType.Impression);

    public string ViewableUrl => Url(EventType.Viewable);

    public string ClickUrl => Url(EventType.Click);

    /// <summary>The creative's markup, its links to the click URL made absolute.</summary>
    public string Html => Markup.Html(Markup.BaseUrl + ClickUrl);

    private string Url(EventType type) => EventUrls.PathPrefix + Encoding.ASCII.GetString(Token(type));
}

/// <summary>A decision, ready for the page: its id and one entry per requested slot (<c>null</c> for a no-fill).</summary>
internal sealed record RenderedPage(string DecisionId, RenderedSlot?[] Slots);

/// <summary>
/// Turns a decision into what every way of asking for ads sends back (<c>POST /v1/decisions</c>, <c>GET /v1/slot.html</c>):
/// one decision id, signed event URLs per filled slot, and the creative's markup with its click URL made absolute
/// against <c>Ads:PublicBaseUrl</c> (or, in Development only, the request's host when that is not set).
/// </summary>
internal sealed class SlotRenderer
{
    private readonly SigningKeyProvider _signing;
    private readonly AdSequencer _sequencer;
    private readonly TimeProvider _time;
    private readonly AdsOptions _options;
    private readonly IHostEnvironment _environment;

    public SlotRenderer(SigningKeyProvider signing, AdSequencer sequencer, TimeProvider time, IOptions<AdsOptions> options, IHostEnvironment environment)
    {
        _signing = signing;
        _sequencer = sequencer;
        _time = time;
        _options = options.Value;
        _environment = environment;
    }

    public RenderedPage Render(HttpContext http, DecisionRequest request, DecisionResult result)
    {
        var now = _time.GetUtcNow();
        var decisionId = result.DecisionId == Guid.Empty ? Guid.CreateVersion7(now) : result.DecisionId;
        var issuedAt = EventUrls.IssuedAt(now);
        var baseUrl = EventUrls.BaseUrl(http, _options, _environment);
        var codec = _signing.Codec;
        var slots = new RenderedSlot?[result.Slots.Count];
        for (var i = 0; i < slots.Length; i++)
        {
            if (result.Slots[i] is not { } decision)
            {
                continue;
            }

            slots[i] = new RenderedSlot(
                decision,
                CreativeMarkup.Made(decision.Creative, decision.Format, decision.Size, baseUrl),
                EventUrls.For(codec, _sequencer, decisionId, issuedAt, decision, result.Viewer));
        }

        return new RenderedPage(decisionId.ToString("N"), slots);
    }

    /// <summary>The absolute form of a server-relative URL this renderer produced.</summary>
    public string Absolute(HttpContext http, string relative) => EventUrls.BaseUrl(http, _options, _environment) + relative;
}
