namespace Suara.Ads.Core.Targeting.Syntax;

/// <summary><c>a or b or ...</c>: one node per chain; a parenthesized or-group stays a separate child.</summary>
internal sealed record OrNode(IReadOnlyList<TargetingNode> Operands) : TargetingNode
{
    public bool Equals(OrNode? other) => other is not null && NodeLists.SequenceEqual(Operands, other.Operands);

    public override int GetHashCode() => NodeLists.GetHashCode(Operands, 2);
}
