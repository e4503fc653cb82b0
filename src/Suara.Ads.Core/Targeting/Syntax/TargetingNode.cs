namespace Suara.Ads.Core.Targeting.Syntax;

/// <summary>
/// A node of a parsed rule. Equality is structural and ignores source positions, so a test can assert
/// <c>Parse(Print(node)) == node</c>.
/// </summary>
internal abstract record TargetingNode
{
    /// <summary>The canonical source text of the node.</summary>
    public sealed override string ToString() => TargetingPrinter.Print(this);
}
