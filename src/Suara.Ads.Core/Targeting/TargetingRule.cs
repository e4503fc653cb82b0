using Suara.Ads.Core.Targeting.Evaluation;
using Suara.Ads.Core.Targeting.Syntax;

namespace Suara.Ads.Core.Targeting;

/// <summary>
/// A compiled, type-checked targeting rule. Immutable and thread-safe; <see cref="Matches"/> allocates nothing.
/// </summary>
/// <remarks>
/// <see cref="Compile"/> parses the text, type-checks it (reporting every type error with its line and
/// column) and compiles it to a tree of sealed evaluator nodes. See <c>docs/targeting.md</c> for the language.
/// </remarks>
public sealed class TargetingRule
{
    private readonly TargetingEvaluator _evaluator;

    /// <summary>The evaluators with their syntax, for <see cref="Explain"/>: compiled again from the text when first asked.</summary>
    private TargetingEvaluator? _explainer;

    private TargetingRule(string source, TargetingEvaluator evaluator, IReadOnlyList<IndexableConstraint> constraints)
    {
        Source = source;
        _evaluator = evaluator;
        IndexableConstraints = constraints;
    }

    /// <summary>A rule that matches every context (no targeting).</summary>
    public static TargetingRule Everyone { get; } = new("", ConstantEvaluator.True, []);

    /// <summary>The rule's source text.</summary>
    public string Source { get; }

    /// <summary>Top-level conjuncts usable by an index; empty when the rule has none.</summary>
    public IReadOnlyList<IndexableConstraint> IndexableConstraints { get; }

    /// <summary>The rule in canonical form (lower-case keywords, single quotes, minimal parentheses). Parses the text again.</summary>
    public string CanonicalText => TargetingParser.Parse(Source).Node is { } syntax ? TargetingPrinter.Print(syntax) : "";

    /// <summary>Parses, type-checks and compiles <paramref name="source"/>.</summary>
    /// <returns>The rule, or the errors (each with line and column) when it does not compile.</returns>
    public static TargetingCompileResult Compile(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var (syntax, syntaxError) = TargetingParser.Parse(source);
        if (syntaxError is not null)
        {
            return new(null, [syntaxError]);
        }

        if (syntax is null)
        {
            return new(new TargetingRule(source, ConstantEvaluator.True, []), []);
        }

        var errors = TargetingTypeChecker.Check(syntax);
        if (errors.Count > 0)
        {
            return new(null, errors);
        }

        // The rule keeps its evaluators and index constraints, not its syntax tree (see ForgetSource).
        var evaluator = TargetingCompiler.Compile(syntax);
        evaluator.ForgetSource();
        return new(new TargetingRule(source, evaluator, FindIndexableConstraints(syntax)), []);
    }

    /// <summary>Whether the rule matches <paramref name="context"/>.</summary>
    public bool Matches(TargetingContext context) => _evaluator.Evaluate(context);

    /// <summary>
    /// For explain output: the source text of the first clause that made the rule fail for
    /// <paramref name="context"/>, or <c>null</c> when the rule matches. Slow path, may allocate.
    /// </summary>
    /// <remarks>
    /// The clause is printed canonically. In an <c>and</c>, the first failing operand is explained (recursively);
    /// a failing <c>or</c> group is printed whole, and a failing <c>not x</c> as <c>not x</c>.
    /// </remarks>
    public string? Explain(TargetingContext context)
    {
        if (_evaluator.Evaluate(context))
        {
            return null;
        }

        // Compiled from a text that compiled before, so it cannot fail; two threads may both compile it, harmlessly.
        var explainer = _explainer ??= TargetingParser.Parse(Source).Node is { } syntax ? TargetingCompiler.Compile(syntax) : ConstantEvaluator.True;
        return explainer.Explain(context);
    }

    /// <inheritdoc />
    public override string ToString() => Source;

    private static IndexableConstraint[] FindIndexableConstraints(TargetingNode syntax)
    {
        var constraints = new List<IndexableConstraint>();
        Collect(syntax);
        return constraints.ToArray();

        void Collect(TargetingNode node)
        {
            switch (node)
            {
                case AndNode and:
                    foreach (var operand in and.Operands)
                    {
                        Collect(operand);
                    }

                    break;
                case ComparisonNode { Operator: ComparisonOperator.Equal } comparison:
                    Add(comparison.Field, [comparison.Value]);
                    break;
                case InNode { Negated: false } list:
                    Add(list.Field, list.Values);
                    break;
            }
        }

        void Add(FieldReference reference, IReadOnlyList<TargetingLiteral> literals)
        {
            if (!TargetingFields.TryResolve(reference.Name, out var field, out _) || !TargetingFields.IsIndexable(field))
            {
                return;
            }

            var values = new List<string>(literals.Count);
            foreach (var literal in literals)
            {
                string value = literal.Text.ToLowerInvariant();
                if (!values.Contains(value))
                {
                    values.Add(value);
                }
            }

            constraints.Add(new IndexableConstraint(field, values.ToArray()));
        }
    }
}

/// <summary>The outcome of <see cref="TargetingRule.Compile"/>.</summary>
/// <param name="Rule">The compiled rule, or <c>null</c> when there are errors.</param>
/// <param name="Errors">The errors; empty on success.</param>
public sealed record TargetingCompileResult(TargetingRule? Rule, IReadOnlyList<TargetingError> Errors)
{
    /// <summary>Whether compilation succeeded.</summary>
    public bool Success => Rule is not null && Errors.Count == 0;
}
