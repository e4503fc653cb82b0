namespace Suara.Ads.Core.Targeting.Syntax;

/// <summary><c>field in (a, b)</c> or, when <paramref name="Negated"/>, <c>field not in (a, b)</c>.</summary>
internal sealed record InNode(FieldReference Field, bool Negated, IReadOnlyList<TargetingLiteral> Values) : TargetingNode
{
    public bool Equals(InNode? other) =>
        other is not null && Field.Equals(other.Field) && Negated == other.Negated && NodeLists.SequenceEqual(Values, other.Values);

    public override int GetHashCode() => HashCode.Combine(Field, Negated, NodeLists.GetHashCode(Values, 3));
}
