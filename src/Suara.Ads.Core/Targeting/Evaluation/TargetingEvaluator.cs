using Suara.Ads.Core.Targeting.Syntax;

namespace Suara.Ads.Core.Targeting.Evaluation;

/// <summary>
/// A node of a compiled rule. Subclasses are sealed so the JIT can devirtualize where it sees the type;
/// <see cref="Evaluate"/> must not allocate.
/// </summary>
internal abstract class TargetingEvaluator(TargetingNode? source)
{
    /// <summary>The syntax the node was compiled from (<c>null</c> for the match-everyone rule, or once forgotten).</summary>
    public TargetingNode? Source { get; private set; } = source;

    /// <summary>
    /// Lets go of the syntax tree, here and below: a rule that serves keeps only what it evaluates with (a big
    /// catalog's syntax trees are tens of megabytes), and explains with a tree compiled again when asked.
    /// </summary>
    public virtual void ForgetSource() => Source = null;

    /// <summary>Whether the node holds for <paramref name="context"/>.</summary>
    public abstract bool Evaluate(TargetingContext context);

    /// <summary>The canonical text of the first failing clause, or <c>null</c> when the node holds. Slow path.</summary>
    public virtual string? Explain(TargetingContext context) =>
        Evaluate(context) || Source is null ? null : TargetingPrinter.Print(Source);
}
