using Suara.Ads.Core.Targeting.Syntax;

namespace Suara.Ads.Core.Targeting.Evaluation;

/// <summary>
/// A deliberately naive evaluator that walks the syntax tree directly, lower-casing strings and comparing
/// plainly. It is the oracle the compiled evaluators are tested against (and the benchmark baseline); it
/// is slow and allocates, so never use it to serve ads.
/// </summary>
internal static class ReferenceInterpreter
{
    /// <summary>Evaluates a type-checked rule; <c>null</c> (the empty rule) matches everything.</summary>
    public static bool Evaluate(TargetingNode? node, TargetingContext context)
    {
        switch (node)
        {
            case null:
                return true;
            case AndNode and:
                foreach (var operand in and.Operands)
                {
                    if (!Evaluate(operand, context))
                    {
                        return false;
                    }
                }

                return true;
            case OrNode or:
                foreach (var operand in or.Operands)
                {
                    if (Evaluate(operand, context))
                    {
                        return true;
                    }
                }

                return false;
            case NotNode not:
                return !Evaluate(not.Operand, context);
            case ComparisonNode comparison:
                return Compare(comparison.Field, comparison.Operator, comparison.Value, context);
            case InNode list:
            {
                TargetingFields.TryResolve(list.Field.Name, out var field, out string? key);
                if (field == TargetingField.Kv && list.Values[0].Kind == LiteralKind.Integer)
                {
                    // Not a number: false, whether 'in' or 'not in'.
                    if (!TargetingNumbers.TryParse(KvValue(context, key!), out double number))
                    {
                        return false;
                    }

                    bool found = false;
                    foreach (var value in list.Values)
                    {
                        found |= number == value.Number;
                    }

                    return found != list.Negated;
                }

                bool any = false;
                foreach (var value in list.Values)
                {
                    any |= Compare(list.Field, ComparisonOperator.Equal, value, context);
                }

                return any != list.Negated;
            }

            case BetweenNode between:
            {
                TargetingFields.TryResolve(between.Field.Name, out var field, out string? key);
                if (field == TargetingField.Kv)
                {
                    return TargetingNumbers.TryParse(KvValue(context, key!), out double number)
                        && number >= between.Low.Number && number <= between.High.Number;
                }

                int actual = Actual(field, context);
                int low = Ordinal(field, between.Low);
                int high = Ordinal(field, between.High);
                return low <= high
                    ? actual >= low && actual <= high
                    : actual >= low || actual <= high;
            }

            default:
                throw new ArgumentException($"Unknown node type {node.GetType().Name}.", nameof(node));
        }
    }

    private static bool Compare(FieldReference reference, ComparisonOperator op, TargetingLiteral literal, TargetingContext context)
    {
        TargetingFields.TryResolve(reference.Name, out var field, out string? key);
        switch (field)
        {
            case TargetingField.Hour or TargetingField.Weekday:
                return CompareNumbers(Actual(field, context), op, Ordinal(field, literal));

            case TargetingField.Keywords:
            {
                bool contains = false;
                foreach (string keyword in context.Keywords)
                {
                    contains |= keyword.ToLowerInvariant() == literal.Text.ToLowerInvariant();
                }

                return op == ComparisonOperator.NotEqual ? !contains : contains;
            }

            case TargetingField.Kv when literal.Kind == LiteralKind.Integer:
                return TargetingNumbers.TryParse(KvValue(context, key!), out double number)
                    && CompareNumbers(number, op, literal.Number);
        }

        string actual = (field == TargetingField.Kv ? KvValue(context, key!) : StringField(field, context)).ToLowerInvariant();
        string expected = literal.Text.ToLowerInvariant();
        return op switch
        {
            ComparisonOperator.Equal => actual == expected,
            ComparisonOperator.NotEqual => actual != expected,
            ComparisonOperator.Contains => actual.Contains(expected, StringComparison.Ordinal),
            ComparisonOperator.StartsWith => actual.StartsWith(expected, StringComparison.Ordinal),
            _ => throw new ArgumentOutOfRangeException(nameof(op)),
        };
    }

    private static bool CompareNumbers(double actual, ComparisonOperator op, double expected) => op switch
    {
        ComparisonOperator.Equal => actual == expected,
        ComparisonOperator.NotEqual => actual != expected,
        ComparisonOperator.Less => actual < expected,
        ComparisonOperator.LessOrEqual => actual <= expected,
        ComparisonOperator.Greater => actual > expected,
        ComparisonOperator.GreaterOrEqual => actual >= expected,
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    };

    private static int Actual(TargetingField field, TargetingContext context) =>
        field == TargetingField.Hour ? context.Hour : TargetingFields.WeekdayIndex(context.Weekday);

    private static int Ordinal(TargetingField field, TargetingLiteral literal) =>
        field == TargetingField.Hour ? (int)literal.Number : TargetingFields.WeekdayIndex(literal.Text);

    private static string KvValue(TargetingContext context, string key)
    {
        foreach (var pair in context.Kv)
        {
            if (pair.Key.ToLowerInvariant() == key.ToLowerInvariant())
            {
                return pair.Value;
            }
        }

        return "";
    }

    private static string StringField(TargetingField field, TargetingContext context) => context.GetString(field);
}
