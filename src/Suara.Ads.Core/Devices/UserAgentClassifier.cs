namespace Suara.Ads.Core.Devices;

/// <summary>Classifies User-Agent strings. PLACEHOLDER, replaced by the table-driven classifier.</summary>
public static class UserAgentClassifier
{
    /// <summary>Classifies <paramref name="userAgent"/>; a missing or empty one is a desktop of unknown OS and browser.</summary>
    public static UserAgentInfo Classify(string? userAgent) => new("desktop", "other", "other", false);
}
