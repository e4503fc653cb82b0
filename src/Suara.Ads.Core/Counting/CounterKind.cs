namespace Suara.Ads.Core.Counting;

/// <summary>What a counter counts.</summary>
public enum CounterKind : byte
{
    /// <summary>Ads served (decisions): what goals and pacing steer on.</summary>
    Served = 0,
    /// <summary>Impressions (rendered): what reports and billing use.</summary>
    Impression = 1,
    /// <summary>Viewable impressions (MRC: 50 % of pixels for one continuous second).</summary>
    Viewable = 2,
    /// <summary>Clicks.</summary>
    Click = 3,
}
