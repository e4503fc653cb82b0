namespace Suara.Ads.Core.Counting;

/// <summary>What a counter counts.</summary>
public enum CounterKind : byte
{
    /// <summary>Ads served: filled slots of valid decisions (reports; delivery counts impressions).</summary>
    Served = 0,
    /// <summary>Impressions: counted impression beacons. What goals, pacing, caps, reports and billing use.</summary>
    Impression = 1,
    /// <summary>Viewable impressions (MRC: 50 % of pixels for one continuous second).</summary>
    Viewable = 2,
    /// <summary>Clicks.</summary>
    Click = 3,
    /// <summary>Invalid traffic, by <see cref="InvalidReason"/>: counted as nothing else.</summary>
    Invalid = 4,

    /// <summary>Slots asked for in a site's placement (valid decisions; the publisher's inventory). Counted per site.</summary>
    Requested = 5,

    /// <summary>Of those, slots filled. Counted per site.</summary>
    Filled = 6,
}
