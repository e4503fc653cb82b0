namespace Suara.Ads.Core.Events;

/// <summary>The events a page reports for a served ad.</summary>
public enum EventType : byte
{
    /// <summary>The creative was rendered.</summary>
    Impression = 1,
    /// <summary>At least half the creative was in view for one continuous second.</summary>
    Viewable = 2,
    /// <summary>The viewer clicked.</summary>
    Click = 3,
}
