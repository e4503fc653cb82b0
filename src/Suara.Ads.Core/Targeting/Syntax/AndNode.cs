namespace Suara.Ads.Core.Targeting.Syntax;

/// <summary><c>a and b and ...</c>: one node per chain; a parenthesized and-group stays a separate child.</summary>
internal sealed record AndNode(IReadOnlyList<TargetingNode> Operands) : TargetingNode
{
    public bool Equals(AndNode? other) => other is not null && NodeLists.SequenceEqual(Operands, other.Operands);

    public override int GetHashCode() => NodeLists.GetHashCode(Operands, 1);
}
