using Suara.Ads.Core.Targeting;

namespace Suara.Ads.Core.Tests.Targeting;

/// <summary>Contexts shared by the targeting tests.</summary>
internal static class TestContexts
{
    /// <summary>
    /// A mobile page view from Malaysia on a Saturday at 23:00, on the football page, with two keywords and
    /// a few key-values. Region and section are unknown (empty); values are in mixed case on purpose.
    /// </summary>
    public static TargetingContext Sample() => new()
    {
        Country = "MY",
        Region = "",
        Device = "Mobile",
        Os = "Android",
        Browser = "chrome",
        Language = "en",
        Site = "thestar",
        Placement = "top-banner",
        Section = "",
        Url = "https://www.example.com/Sport/football?id=1",
        Path = "/sport/football",
        Referrer = "www.Google.com",
        Keywords = new HashSet<string>(["Travel", "food"], StringComparer.OrdinalIgnoreCase),
        Hour = 23,
        Weekday = DayOfWeek.Saturday,
        Kv = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["tier"] = "premium",
            ["age"] = "42",
            ["score"] = "2.5",
            ["neg"] = "-3",
            ["text"] = "abc",
        },
    };

    public static TargetingRule CompileOrThrow(string source)
    {
        var result = TargetingRule.Compile(source);
        Assert.True(result.Success, $"'{source}' did not compile: {string.Join("; ", result.Errors)}");
        return result.Rule!;
    }
}
