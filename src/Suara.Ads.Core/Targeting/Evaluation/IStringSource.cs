namespace Suara.Ads.Core.Targeting.Evaluation;

/// <summary>Reads one string field of a context; implemented by structs so generic evaluators specialize per field.</summary>
internal interface IStringSource
{
    string Read(TargetingContext context);
}
