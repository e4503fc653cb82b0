namespace Suara.Ads.Core.Counting;

/// <summary>Why a decision or an event is invalid traffic (IAB general invalid traffic), see docs/invalid-traffic.md.</summary>
public enum InvalidReason : byte
{
    /// <summary>Valid traffic.</summary>
    None = 0,
    /// <summary>A known crawler or bot, by its User-Agent.</summary>
    Bot = 1,
    /// <summary>A prefetch or prerender (<c>Sec-Purpose</c>, <c>Purpose</c>): nobody is looking yet.</summary>
    Prefetch = 2,
    /// <summary>A viewable or click whose decision has no counted impression.</summary>
    NoImpression = 3,
    /// <summary>More requests from one viewer or one client address than the per-minute limits allow.</summary>
    Flood = 4,
    /// <summary>A beacon without a User-Agent.</summary>
    NoUserAgent = 5,
}

/// <summary>Names and codes of <see cref="InvalidReason"/>.</summary>
public static class InvalidReasons
{
    /// <summary>Every reason, in order.</summary>
    public static readonly InvalidReason[] All = [InvalidReason.Bot, InvalidReason.Prefetch, InvalidReason.NoImpression, InvalidReason.Flood, InvalidReason.NoUserAgent];

    /// <summary>The reason's name in reports and metrics (<c>bot</c>, <c>prefetch</c>, <c>noImpression</c>, <c>flood</c>, <c>noUserAgent</c>).</summary>
    public static string Name(InvalidReason reason) => reason switch
    {
        InvalidReason.Bot => "bot",
        InvalidReason.Prefetch => "prefetch",
        InvalidReason.NoImpression => "noImpression",
        InvalidReason.Flood => "flood",
        InvalidReason.NoUserAgent => "noUserAgent",
        _ => "none",
    };

    /// <summary>One-letter code of the reason in Redis counter fields.</summary>
    public static char Code(InvalidReason reason) => reason switch
    {
        InvalidReason.Bot => 'b',
        InvalidReason.Prefetch => 'p',
        InvalidReason.NoImpression => 'n',
        InvalidReason.Flood => 'f',
        InvalidReason.NoUserAgent => 'u',
        _ => '?',
    };

    /// <summary>The reason of a one-letter code; <see cref="InvalidReason.None"/> for an unknown one.</summary>
    public static InvalidReason FromCode(char code) => code switch
    {
        'b' => InvalidReason.Bot,
        'p' => InvalidReason.Prefetch,
        'n' => InvalidReason.NoImpression,
        'f' => InvalidReason.Flood,
        'u' => InvalidReason.NoUserAgent,
        _ => InvalidReason.None,
    };
}
