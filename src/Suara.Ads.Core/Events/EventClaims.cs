namespace Suara.Ads.Core.Events;

/// <summary>What an event token says: which ad, which event, when it was issued, to whom.</summary>
public sealed record EventClaims
{
    /// <summary>The event.</summary>
    public required EventType Type { get; init; }

    /// <summary>The decision the ad came from.</summary>
    public required Guid DecisionId { get; init; }

    /// <summary>When the token was issued (whole seconds).</summary>
    public required DateTimeOffset IssuedAt { get; init; }

    /// <summary>The site.</summary>
    public required string Site { get; init; }

    /// <summary>The placement.</summary>
    public required string Placement { get; init; }

    /// <summary>The campaign.</summary>
    public required string Campaign { get; init; }

    /// <summary>The creative.</summary>
    public required string Creative { get; init; }

    /// <summary>The viewer's digest (<see cref="Delivery.ViewerDigest"/>, never the id the page sent), empty when the page sent none.</summary>
    public string Viewer { get; init; } = "";

    /// <summary>
    /// The process run that issued the ad (<see cref="AdSequencer.Issuer"/>, a random non-zero 64-bit id), or 0 for a
    /// token with no <see cref="Sequence"/> (versions 1 and 2, or a sequencer out of numbers).
    /// </summary>
    public ulong Issuer { get; init; }

    /// <summary>
    /// The ad's number among the ads its <see cref="Issuer"/> served of the campaign on the token's UTC day of issue (from 0),
    /// or -1 for none. With it, counting de-duplicates the ad's events in a bitmap (token version 3).
    /// </summary>
    public long Sequence { get; init; } = -1;

    /// <summary>
    /// Whether <see cref="Sequence"/> numbers the ad among its issuer's ads of the campaign's counting group
    /// (<see cref="Counting.CounterGroups"/>) on the day, rather than of the campaign (token version 4 rather than 3).
    /// </summary>
    public bool SequencePerGroup { get; init; }

    /// <summary>The token's identity (its MAC, base64url), set by verification: the key that counts a token once.</summary>
    public string TokenId { get; init; } = "";
}
