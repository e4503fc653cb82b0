namespace Suara.Ads.Core.Tests.Targeting;

/// <summary>Keeps the examples in <c>docs/targeting.md</c> honest.</summary>
public sealed class TargetingDocumentationExamplesTests
{
    [Theory]
    [InlineData("country in ('MY', 'SG') and device == 'mobile' and not section == 'politics'")]
    [InlineData("keywords contains 'travel' or section == 'travel'")]
    [InlineData("hour between 18 and 23 and weekday in ('sat', 'sun')")]
    [InlineData("hour between 22 and 5")]
    [InlineData("kv.tier == 'premium'")]
    [InlineData("referrer contains 'google'")]
    [InlineData("path startswith '/sport/'")]
    [InlineData("kv.age between 18 and 65")]
    [InlineData("os == 'ios' and language in ('en', 'ms')\n  and weekday between mon and fri\n  and hour between 9 and 17")]
    [InlineData("(section == 'sport' and keywords in ('football', 'liga')) and site != 'partner-news'")]
    [InlineData("section == 'editor\\'s pick'")]
    [InlineData("weekday in (sat, sun)")]
    [InlineData("section == ''")]
    [InlineData("not (section == 'politics' or keywords contains 'election')")]
    public void Compile_DocumentationExample_Succeeds(string source)
    {
        TestContexts.CompileOrThrow(source);
    }
}
