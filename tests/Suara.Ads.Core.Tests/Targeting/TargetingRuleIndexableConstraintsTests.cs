using Suara.Ads.Core.Targeting;

namespace Suara.Ads.Core.Tests.Targeting;

public sealed class TargetingRuleIndexableConstraintsTests
{
    [Fact]
    public void IndexableConstraints_TypicalConjunction_ReturnsLowerCasedDistinctValues()
    {
        var rule = TestContexts.CompileOrThrow("country in ('MY', 'sg', 'my') and device == 'Mobile' and not section == 'politics'");

        Assert.Collection(
            rule.IndexableConstraints,
            c =>
            {
                Assert.Equal(TargetingField.Country, c.Field);
                Assert.Equal(["my", "sg"], c.Values);
            },
            c =>
            {
                Assert.Equal(TargetingField.Device, c.Field);
                Assert.Equal(["mobile"], c.Values);
            });
    }

    [Fact]
    public void IndexableConstraints_SingleComparison_ReturnsOneConstraint()
    {
        var constraint = Assert.Single(TestContexts.CompileOrThrow("Site == 'TheStar'").IndexableConstraints);

        Assert.Equal(new IndexableConstraint(TargetingField.Site, ["thestar"]).Field, constraint.Field);
        Assert.Equal(["thestar"], constraint.Values);
    }

    [Fact]
    public void IndexableConstraints_NestedAndGroups_AreFlattened()
    {
        var rule = TestContexts.CompileOrThrow(
            "(country == 'MY' and (placement in ('top', 'side') and hour > 5)) and region == 'kl' and os == 'ios' and browser == 'x' and language == 'ms' and section == 'news'");

        Assert.Equal(
            [TargetingField.Country, TargetingField.Placement, TargetingField.Region, TargetingField.Os, TargetingField.Browser, TargetingField.Language, TargetingField.Section],
            rule.IndexableConstraints.Select(c => c.Field).ToArray());
    }

    [Theory]
    [InlineData("")]
    [InlineData("country == 'MY' or device == 'mobile'")]
    [InlineData("(country == 'MY' or device == 'mobile') and hour > 5")]
    [InlineData("country != 'MY'")]
    [InlineData("country not in ('MY', 'SG')")]
    [InlineData("not country == 'MY'")]
    [InlineData("country contains 'M' and site startswith 'a'")]
    [InlineData("url == 'x' and path == '/a' and referrer == 'b' and keywords == 'k' and kv.a == 'b' and hour == 5 and weekday == mon")]
    public void IndexableConstraints_NoIndexableConjunct_ReturnsEmpty(string source)
    {
        Assert.Empty(TestContexts.CompileOrThrow(source).IndexableConstraints);
    }

    [Fact]
    public void IndexableConstraints_IndexableNextToOr_KeepsOnlyTheTopLevelConjunct()
    {
        var rule = TestContexts.CompileOrThrow("(site == 'a' or site == 'b') and country == 'MY'");

        var constraint = Assert.Single(rule.IndexableConstraints);
        Assert.Equal(TargetingField.Country, constraint.Field);
    }
}
