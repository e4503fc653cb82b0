namespace Suara.Ads.Core.Targeting;

/// <summary>The fields of the targeting language.</summary>
public enum TargetingField
{
    Country,
    Region,
    Device,
    Os,
    Browser,
    Language,
    Site,
    Placement,
    Section,
    Url,
    Path,
    Referrer,
    Keywords,
    Hour,
    Weekday,
    /// <summary><c>kv.NAME</c>: a key-value sent by the page.</summary>
    Kv,
}
