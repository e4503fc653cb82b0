using Suara.Ads.Core.Targeting.Syntax;

namespace Suara.Ads.Core.Targeting.Evaluation;

/// <summary>A string field tested by a string predicate, e.g. <c>country in ('MY', 'SG')</c>.</summary>
/// <typeparam name="TSource">Which field; a struct, so the read is inlined.</typeparam>
/// <typeparam name="TPredicate">Which operator; a struct, so the test is inlined.</typeparam>
internal sealed class StringEvaluator<TSource, TPredicate>(TargetingNode source, TSource field, TPredicate predicate)
    : TargetingEvaluator(source)
    where TSource : struct, IStringSource
    where TPredicate : struct, IStringPredicate
{
    private readonly TSource _field = field;
    private readonly TPredicate _predicate = predicate;

    public override bool Evaluate(TargetingContext context) => _predicate.Test(_field.Read(context));
}
