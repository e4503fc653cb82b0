using System.Text;

namespace Suara.Ads.Core.Targeting.Syntax;

/// <summary>
/// Prints a syntax tree as canonical rule text: lower-case keywords and fields, single-quoted strings,
/// and exactly the parentheses needed for the text to parse back to an equal tree.
/// </summary>
internal static class TargetingPrinter
{
    public static string Print(TargetingNode node)
    {
        var builder = new StringBuilder();
        Write(builder, node);
        return builder.ToString();
    }

    /// <summary>Quotes <paramref name="value"/> in single quotes, escaping <c>'</c> and <c>\</c>.</summary>
    public static string Quote(string value)
    {
        var builder = new StringBuilder(value.Length + 2);
        WriteQuoted(builder, value);
        return builder.ToString();
    }

    public static string OperatorText(ComparisonOperator op) => op switch
    {
        ComparisonOperator.Equal => "==",
        ComparisonOperator.NotEqual => "!=",
        ComparisonOperator.Less => "<",
        ComparisonOperator.LessOrEqual => "<=",
        ComparisonOperator.Greater => ">",
        ComparisonOperator.GreaterOrEqual => ">=",
        ComparisonOperator.Contains => "contains",
        ComparisonOperator.StartsWith => "startswith",
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    };

    private static void Write(StringBuilder builder, TargetingNode node)
    {
        switch (node)
        {
            case AndNode and:
                WriteChain(builder, and.Operands, " and ", static n => n is AndNode or OrNode);
                break;
            case OrNode or:
                WriteChain(builder, or.Operands, " or ", static n => n is OrNode);
                break;
            case NotNode not:
                builder.Append("not ");
                WriteOperand(builder, not.Operand, not.Operand is AndNode or OrNode);
                break;
            case ComparisonNode comparison:
                builder.Append(TargetingFields.Canonical(comparison.Field.Name))
                    .Append(' ').Append(OperatorText(comparison.Operator)).Append(' ');
                WriteLiteral(builder, comparison.Value);
                break;
            case InNode list:
                builder.Append(TargetingFields.Canonical(list.Field.Name)).Append(list.Negated ? " not in (" : " in (");
                for (int i = 0; i < list.Values.Count; i++)
                {
                    if (i > 0)
                    {
                        builder.Append(", ");
                    }

                    WriteLiteral(builder, list.Values[i]);
                }

                builder.Append(')');
                break;
            case BetweenNode between:
                builder.Append(TargetingFields.Canonical(between.Field.Name)).Append(" between ");
                WriteLiteral(builder, between.Low);
                builder.Append(" and ");
                WriteLiteral(builder, between.High);
                break;
            default:
                throw new ArgumentException($"Unknown node type {node.GetType().Name}.", nameof(node));
        }
    }

    private static void WriteChain(StringBuilder builder, IReadOnlyList<TargetingNode> operands, string separator, Func<TargetingNode, bool> needsParentheses)
    {
        for (int i = 0; i < operands.Count; i++)
        {
            if (i > 0)
            {
                builder.Append(separator);
            }

            WriteOperand(builder, operands[i], needsParentheses(operands[i]));
        }
    }

    private static void WriteOperand(StringBuilder builder, TargetingNode node, bool parenthesize)
    {
        if (parenthesize)
        {
            builder.Append('(');
        }

        Write(builder, node);
        if (parenthesize)
        {
            builder.Append(')');
        }
    }

    private static void WriteLiteral(StringBuilder builder, TargetingLiteral literal)
    {
        if (literal.Kind == LiteralKind.String)
        {
            WriteQuoted(builder, literal.Text);
        }
        else
        {
            builder.Append(literal.Text);
        }
    }

    private static void WriteQuoted(StringBuilder builder, string value)
    {
        builder.Append('\'');
        foreach (char c in value)
        {
            if (c is '\'' or '\\')
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        builder.Append('\'');
    }
}
