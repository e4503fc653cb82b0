using Suara.Ads.Core.Targeting;

namespace Suara.Ads.Core.Tests.Targeting;

public sealed class TargetingContextTests
{
    [Fact]
    public void CopyFrom_EveryProperty_IsCopied()
    {
        var source = new TargetingContext
        {
            Keywords = new HashSet<string>(["k"], StringComparer.OrdinalIgnoreCase),
            Kv = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["tier"] = "gold" },
            Hour = 13,
            Weekday = DayOfWeek.Friday,
        };
        var properties = typeof(TargetingContext).GetProperties().Where(p => p.CanWrite).ToArray();
        foreach (var property in properties.Where(p => p.PropertyType == typeof(string)))
        {
            property.SetValue(source, "value-of-" + property.Name);
        }

        var copy = new TargetingContext();
        copy.CopyFrom(source);

        // A property added to the context but not to CopyFrom fails here.
        Assert.True(properties.Length >= 16, $"only {properties.Length} settable properties found");
        Assert.All(properties, p => Assert.Equal(p.GetValue(source), p.GetValue(copy)));
    }
}
