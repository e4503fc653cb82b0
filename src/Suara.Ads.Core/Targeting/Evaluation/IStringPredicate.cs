namespace Suara.Ads.Core.Targeting.Evaluation;

/// <summary>A test on a string value; implemented by structs so generic evaluators specialize per operator.</summary>
internal interface IStringPredicate
{
    bool Test(string value);
}
