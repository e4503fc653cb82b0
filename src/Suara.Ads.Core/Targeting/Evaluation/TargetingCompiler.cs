using System.Collections.Frozen;
using Suara.Ads.Core.Targeting.Syntax;

namespace Suara.Ads.Core.Targeting.Evaluation;

/// <summary>
/// Turns a type-checked syntax tree into a tree of evaluator nodes: and/or chains flattened into n-ary
/// nodes, hour and weekday tests folded into bit masks, string tests specialized per field and operator.
/// </summary>
internal static class TargetingCompiler
{
    /// <summary>Lists up to this long are scanned linearly; longer ones use a frozen hash set.</summary>
    private const int LinearScanLimit = 4;

    private const uint AllHours = (1u << 24) - 1;
    private const uint AllWeekdays = (1u << 7) - 1;

    /// <summary>Compiles <paramref name="node"/>, which must have passed <see cref="TargetingTypeChecker"/>.</summary>
    public static TargetingEvaluator Compile(TargetingNode node) => node switch
    {
        AndNode and => new AndEvaluator(and, Flatten<AndNode>(and.Operands, static n => n.Operands)),
        OrNode or => new OrEvaluator(or, Flatten<OrNode>(or.Operands, static n => n.Operands)),
        NotNode not => CompileNot(not),
        ComparisonNode comparison => CompileComparison(comparison, comparison, negate: false),
        InNode list => CompileList(list, list, negate: false),
        BetweenNode between => CompileBetween(between, between, negate: false),
        _ => throw new ArgumentException($"Unknown node type {node.GetType().Name}.", nameof(node)),
    };

    private static TargetingEvaluator[] Flatten<TGroup>(IReadOnlyList<TargetingNode> operands, Func<TGroup, IReadOnlyList<TargetingNode>> children)
        where TGroup : TargetingNode
    {
        var result = new List<TargetingEvaluator>(operands.Count);
        Add(operands);
        return result.ToArray();

        void Add(IReadOnlyList<TargetingNode> nodes)
        {
            foreach (var node in nodes)
            {
                if (node is TGroup group)
                {
                    Add(children(group));
                }
                else
                {
                    result.Add(Compile(node));
                }
            }
        }
    }

    /// <summary>
    /// PERF: <c>not</c> over a string, keywords, hour or weekday test folds into the test itself (a negated
    /// predicate or a complemented mask), saving a virtual call. Not for kv numbers: there a non-number makes
    /// the comparison false, so its negation must stay a separate node.
    /// </summary>
    private static TargetingEvaluator CompileNot(NotNode node) => node.Operand switch
    {
        ComparisonNode comparison when !IsKvNumber(comparison.Field, comparison.Value) => CompileComparison(comparison, node, negate: true),
        InNode list when !IsKvNumber(list.Field, list.Values[0]) => CompileList(list, node, negate: true),
        BetweenNode between when !IsKvNumber(between.Field, between.Low) => CompileBetween(between, node, negate: true),
        _ => new NotEvaluator(node, Compile(node.Operand)),
    };

    private static bool IsKvNumber(FieldReference reference, TargetingLiteral value) =>
        value.Kind == LiteralKind.Integer && reference.Name.StartsWith("kv.", StringComparison.OrdinalIgnoreCase);

    private static TargetingEvaluator CompileComparison(ComparisonNode node, TargetingNode source, bool negate)
    {
        Resolve(node.Field, out var field, out string? key);
        var value = node.Value;
        switch (field)
        {
            case TargetingField.Hour or TargetingField.Weekday:
                return Mask(source, field, CompareMask(field, node.Operator, Ordinal(field, value)), negate);
            case TargetingField.Keywords:
                return new KeywordsEvaluator(source, [value.Text], negate ^ (node.Operator == ComparisonOperator.NotEqual));
            case TargetingField.Kv when value.Kind == LiteralKind.Integer:
                return new KvNumberEvaluator(source, key!, node.Operator, value.Number);
            default:
                return node.Operator switch
                {
                    ComparisonOperator.Equal => String(source, field, key, new StringPredicates.EqualTo(value.Text), negate),
                    ComparisonOperator.NotEqual => String(source, field, key, new StringPredicates.EqualTo(value.Text), !negate),
                    ComparisonOperator.Contains => String(source, field, key, new StringPredicates.Contains(value.Text), negate),
                    ComparisonOperator.StartsWith => String(source, field, key, new StringPredicates.StartsWith(value.Text), negate),
                    _ => throw new ArgumentException($"Operator {node.Operator} does not apply to {field}.", nameof(node)),
                };
        }
    }

    private static TargetingEvaluator CompileList(InNode node, TargetingNode source, bool negate)
    {
        Resolve(node.Field, out var field, out string? key);
        bool negated = node.Negated ^ negate;
        switch (field)
        {
            case TargetingField.Hour or TargetingField.Weekday:
            {
                uint mask = 0;
                foreach (var value in node.Values)
                {
                    mask |= CompareMask(field, ComparisonOperator.Equal, Ordinal(field, value));
                }

                return Mask(source, field, mask, negated);
            }

            case TargetingField.Keywords:
                return new KeywordsEvaluator(source, Distinct(node.Values), negated);

            case TargetingField.Kv when node.Values[0].Kind == LiteralKind.Integer:
            {
                var numbers = new double[node.Values.Count];
                for (int i = 0; i < numbers.Length; i++)
                {
                    numbers[i] = node.Values[i].Number;
                }

                return new KvNumberEvaluator(source, key!, numbers, node.Negated);
            }

            default:
            {
                string[] values = Distinct(node.Values);
                if (values.Length == 1)
                {
                    return String(source, field, key, new StringPredicates.EqualTo(values[0]), negated);
                }

                if (values.Length <= LinearScanLimit)
                {
                    return String(source, field, key, new StringPredicates.InArray(values), negated);
                }

                var set = values.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
                return String(source, field, key, new StringPredicates.InSet(set), negated);
            }
        }
    }

    private static TargetingEvaluator CompileBetween(BetweenNode node, TargetingNode source, bool negate)
    {
        Resolve(node.Field, out var field, out string? key);
        if (field == TargetingField.Kv)
        {
            return new KvNumberEvaluator(source, key!, node.Low.Number, node.High.Number);
        }

        int low = Ordinal(field, node.Low);
        int high = Ordinal(field, node.High);
        int count = field == TargetingField.Hour ? 24 : 7;
        uint mask = 0;

        // Inclusive; when low > high the range wraps: hour between 22 and 5 is 22..23 and 0..5.
        for (int i = low; ; i = (i + 1) % count)
        {
            mask |= Bit(field, i);
            if (i == high)
            {
                break;
            }
        }

        return Mask(source, field, mask, negate);
    }

    /// <summary>
    /// A mask test; <paramref name="negate"/> complements the mask within 0-23 (hours) or the seven days.
    /// The engine always supplies an hour in 0-23, so an out-of-range hour, matching nothing, is never seen.
    /// </summary>
    private static MaskEvaluator Mask(TargetingNode source, TargetingField field, uint mask, bool negate)
    {
        if (negate)
        {
            mask = ~mask & (field == TargetingField.Hour ? AllHours : AllWeekdays);
        }

        return new MaskEvaluator(source, field == TargetingField.Weekday, mask);
    }

    /// <summary>The mask of hours (0-23) or weekdays (mon = 0 … sun = 6) <c>x</c> with <c>x op value</c>.</summary>
    private static uint CompareMask(TargetingField field, ComparisonOperator op, int value)
    {
        int count = field == TargetingField.Hour ? 24 : 7;
        uint mask = 0;
        for (int i = 0; i < count; i++)
        {
            bool accepted = op switch
            {
                ComparisonOperator.Equal => i == value,
                ComparisonOperator.NotEqual => i != value,
                ComparisonOperator.Less => i < value,
                ComparisonOperator.LessOrEqual => i <= value,
                ComparisonOperator.Greater => i > value,
                ComparisonOperator.GreaterOrEqual => i >= value,
                _ => throw new ArgumentOutOfRangeException(nameof(op)),
            };

            if (accepted)
            {
                mask |= Bit(field, i);
            }
        }

        return mask;
    }

    /// <summary>The mask bit for ordinal <paramref name="i"/>: the hour itself, or the <see cref="DayOfWeek"/> value of weekday i.</summary>
    private static uint Bit(TargetingField field, int i) =>
        field == TargetingField.Hour ? 1u << i : 1u << ((i + 1) % 7);

    private static int Ordinal(TargetingField field, TargetingLiteral value) =>
        field == TargetingField.Hour ? (int)value.Number : TargetingFields.WeekdayIndex(value.Text);

    private static void Resolve(FieldReference reference, out TargetingField field, out string? key)
    {
        if (!TargetingFields.TryResolve(reference.Name, out field, out key))
        {
            throw new ArgumentException($"Unknown field '{reference.Name}'; type-check the rule first.", nameof(reference));
        }
    }

    private static string[] Distinct(IReadOnlyList<TargetingLiteral> values)
    {
        var result = new List<string>(values.Count);
        foreach (var value in values)
        {
            if (!result.Contains(value.Text, StringComparer.OrdinalIgnoreCase))
            {
                result.Add(value.Text);
            }
        }

        return result.ToArray();
    }

    private static TargetingEvaluator String<TPredicate>(TargetingNode node, TargetingField field, string? key, TPredicate predicate, bool negate)
        where TPredicate : struct, IStringPredicate =>
        negate ? String(node, field, key, new StringPredicates.Not<TPredicate>(predicate)) : String(node, field, key, predicate);

    /// <summary>Picks the <see cref="IStringSource"/> struct for <paramref name="field"/> so the evaluator is fully specialized.</summary>
    private static TargetingEvaluator String<TPredicate>(TargetingNode node, TargetingField field, string? key, TPredicate predicate)
        where TPredicate : struct, IStringPredicate => field switch
        {
            TargetingField.Country => new StringEvaluator<StringSources.Country, TPredicate>(node, default, predicate),
            TargetingField.Region => new StringEvaluator<StringSources.Region, TPredicate>(node, default, predicate),
            TargetingField.Device => new StringEvaluator<StringSources.Device, TPredicate>(node, default, predicate),
            TargetingField.Os => new StringEvaluator<StringSources.Os, TPredicate>(node, default, predicate),
            TargetingField.Browser => new StringEvaluator<StringSources.Browser, TPredicate>(node, default, predicate),
            TargetingField.Language => new StringEvaluator<StringSources.Language, TPredicate>(node, default, predicate),
            TargetingField.Site => new StringEvaluator<StringSources.Site, TPredicate>(node, default, predicate),
            TargetingField.Placement => new StringEvaluator<StringSources.Placement, TPredicate>(node, default, predicate),
            TargetingField.Section => new StringEvaluator<StringSources.Section, TPredicate>(node, default, predicate),
            TargetingField.Url => new StringEvaluator<StringSources.Url, TPredicate>(node, default, predicate),
            TargetingField.Path => new StringEvaluator<StringSources.Path, TPredicate>(node, default, predicate),
            TargetingField.Referrer => new StringEvaluator<StringSources.Referrer, TPredicate>(node, default, predicate),
            TargetingField.Kv => new StringEvaluator<StringSources.Kv, TPredicate>(node, new StringSources.Kv(key!), predicate),
            _ => throw new ArgumentOutOfRangeException(nameof(field)),
        };
}
