namespace Suara.Ads.Core.Targeting;

/// <summary>
/// A compiled, type-checked targeting rule. Immutable and thread-safe; <see cref="Matches"/> allocates nothing.
/// </summary>
public sealed class TargetingRule
{
    // PLACEHOLDER: the targeting work replaces this file with the real compiler.
    private TargetingRule(string source) => Source = source;

    /// <summary>A rule that matches every context (no targeting).</summary>
    public static TargetingRule Everyone { get; } = new("");

    /// <summary>The rule's source text.</summary>
    public string Source { get; }

    /// <summary>Top-level conjuncts usable by an index; empty when the rule has none.</summary>
    public IReadOnlyList<IndexableConstraint> IndexableConstraints { get; } = [];

    /// <summary>Parses, type-checks and compiles <paramref name="source"/>.</summary>
    /// <returns>The rule, or the errors (each with line and column) when it does not compile.</returns>
    public static TargetingCompileResult Compile(string source) => new(new TargetingRule(source), []);

    /// <summary>Whether the rule matches <paramref name="context"/>.</summary>
    public bool Matches(TargetingContext context) => true;

    /// <summary>
    /// For explain output: the source text of the first clause that made the rule fail for
    /// <paramref name="context"/>, or <c>null</c> when the rule matches. Slow path, may allocate.
    /// </summary>
    public string? Explain(TargetingContext context) => null;
}

/// <summary>The outcome of <see cref="TargetingRule.Compile"/>.</summary>
/// <param name="Rule">The compiled rule, or <c>null</c> when there are errors.</param>
/// <param name="Errors">The errors; empty on success.</param>
public sealed record TargetingCompileResult(TargetingRule? Rule, IReadOnlyList<TargetingError> Errors)
{
    /// <summary>Whether compilation succeeded.</summary>
    public bool Success => Rule is not null && Errors.Count == 0;
}
