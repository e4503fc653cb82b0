using Suara.Ads.Core.Events;
using Suara.Ads.Core.Selection;
using Suara.Ads.Server.Hosting;

namespace Suara.Ads.Server.Decisions;

/// <summary>
/// Builds the signed, server-relative event URLs (<c>/v1/events/{token}</c>) of one filled slot, and the absolute
/// base URL that links in creative markup are resolved against. Shared by the endpoints that render slots.
/// </summary>
internal static class EventUrls
{
    /// <summary>The path prefix of every event URL.</summary>
    public const string PathPrefix = "/v1/events/";

    /// <summary>
    /// The signed tokens of the three events of <paramref name="decision"/> (one MAC for the three), numbered by
    /// <paramref name="sequencer"/> (token version 3; version 2 when it has no number to give): ASCII, one after the
    /// other (impression, viewable, click), each as long as the others.
    /// </summary>
    public static byte[] For(EventTokenCodec codec, AdSequencer sequencer, Guid decisionId, DateTimeOffset issuedAt, SlotDecision decision, string? viewer)
    {
        var sequence = sequencer.Next(decision.Campaign.Id, AdSequencer.DayOf(issuedAt));
        Span<byte> buffer = stackalloc byte[EventTokenCodec.MaxAdTokensBytes];
        var length = codec.SignAd(
            new EventClaims
            {
                Type = EventType.Impression,
                DecisionId = decisionId,
                IssuedAt = issuedAt,
                Site = decision.SiteId,
                Placement = decision.PlacementId,
                Campaign = decision.Campaign.Id,
                Creative = decision.Creative.Id,
                Viewer = viewer ?? "",
                Issuer = sequence >= 0 ? sequencer.Issuer : 0,
                Sequence = sequence,
                SequencePerGroup = sequencer.PerGroup,
            },
            buffer);
        return buffer[..(3 * length)].ToArray();
    }

    /// <summary>Tokens carry whole seconds: the issue time of a decision made at <paramref name="now"/>.</summary>
    public static DateTimeOffset IssuedAt(DateTimeOffset now) => DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds());

    /// <summary>
    /// <c>Ads:PublicBaseUrl</c> when configured, else (in Development only) the scheme and host of the request; no
    /// trailing slash.
    /// </summary>
    public static string BaseUrl(HttpContext http, AdsOptions options, IHostEnvironment environment)
    {
        if (!string.IsNullOrWhiteSpace(options.PublicBaseUrl))
        {
            return options.PublicBaseUrl.Trim().TrimEnd('/');
        }

        // Start-up validation makes this unreachable outside Development; should it ever be reached, refusing is the
        // safe answer (a 500, logged), where a link to whatever host the client named would not be.
        return AdsOptionsValidator.MayUseHostHeader(environment)
            ? $"{http.Request.Scheme}://{http.Request.Host}"
            : throw new InvalidOperationException("Ads:PublicBaseUrl is not set, and links are built from the Host header in Development only.");
    }
}
