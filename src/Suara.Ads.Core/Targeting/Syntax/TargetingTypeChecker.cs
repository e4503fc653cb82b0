using System.Globalization;

namespace Suara.Ads.Core.Targeting.Syntax;

/// <summary>
/// Checks a parsed rule: known fields, operators that suit each field, values of the right type and
/// range. Reports every error, each at the field or literal it is about.
/// </summary>
internal sealed class TargetingTypeChecker
{
    private readonly List<TargetingError> _errors = [];

    private TargetingTypeChecker()
    {
    }

    /// <summary>Type-checks <paramref name="node"/>.</summary>
    /// <returns>All errors, in source order; empty when the rule is well typed.</returns>
    public static IReadOnlyList<TargetingError> Check(TargetingNode node)
    {
        var checker = new TargetingTypeChecker();
        checker.Visit(node);
        checker._errors.Sort(static (a, b) => a.Line != b.Line ? a.Line.CompareTo(b.Line) : a.Column.CompareTo(b.Column));
        return checker._errors;
    }

    private void Visit(TargetingNode node)
    {
        switch (node)
        {
            case AndNode and:
                foreach (var operand in and.Operands)
                {
                    Visit(operand);
                }

                break;
            case OrNode or:
                foreach (var operand in or.Operands)
                {
                    Visit(operand);
                }

                break;
            case NotNode not:
                Visit(not.Operand);
                break;
            case ComparisonNode comparison:
                CheckComparison(comparison);
                break;
            case InNode list:
                CheckList(list);
                break;
            case BetweenNode between:
                CheckBetween(between);
                break;
        }
    }

    private bool TryResolve(FieldReference reference, out TargetingField field)
    {
        if (TargetingFields.TryResolve(reference.Name, out field, out _))
        {
            return true;
        }

        string message = reference.Name.StartsWith("kv.", StringComparison.OrdinalIgnoreCase)
            ? $"invalid key-value field '{reference.Name}': use kv.NAME where NAME is letters, digits, '_' or '-'"
            : $"unknown field '{reference.Name}'; valid fields are {TargetingFields.ValidNames}";
        Error(reference.Position, message);
        return false;
    }

    private void CheckComparison(ComparisonNode node)
    {
        if (!TryResolve(node.Field, out var field))
        {
            return;
        }

        string name = TargetingFields.Canonical(node.Field.Name);
        string op = TargetingPrinter.OperatorText(node.Operator);
        bool ordering = node.Operator is ComparisonOperator.Less or ComparisonOperator.LessOrEqual
            or ComparisonOperator.Greater or ComparisonOperator.GreaterOrEqual;
        bool textOnly = node.Operator is ComparisonOperator.Contains or ComparisonOperator.StartsWith;

        switch (field)
        {
            case TargetingField.Hour or TargetingField.Weekday:
                if (textOnly)
                {
                    Error(node.Field.Position, $"'{op}' does not apply to {name}; use ==, !=, <, <=, >, >=, in or between");
                    return;
                }

                CheckOrdinal(field, node.Value);
                return;

            case TargetingField.Keywords:
                if (ordering || node.Operator == ComparisonOperator.StartsWith)
                {
                    Error(node.Field.Position, $"'{op}' does not apply to keywords (a set); use contains, ==, !=, in or not in");
                    return;
                }

                CheckText(name, node.Value);
                return;

            case TargetingField.Kv:
                if (node.Value.Kind == LiteralKind.Integer)
                {
                    if (textOnly)
                    {
                        Error(node.Value.Position, $"'{op}' compares text; quote the value: '{node.Value.Text}'");
                    }

                    return;
                }

                if (ordering)
                {
                    Error(node.Value.Position, $"'{op}' on {name} needs an integer, such as {name} {op} 10");
                    return;
                }

                CheckText(name, node.Value);
                return;

            default:
                if (ordering)
                {
                    Error(node.Field.Position, $"'{op}' does not apply to {name} (text); use ==, !=, in, not in, contains or startswith");
                    return;
                }

                if (field == TargetingField.Device && textOnly)
                {
                    Error(node.Field.Position, $"'{op}' does not apply to device; use ==, !=, in or not in with desktop, mobile or tablet");
                    return;
                }

                if (CheckText(name, node.Value) && field == TargetingField.Device)
                {
                    CheckDevice(node.Value);
                }

                return;
        }
    }

    private void CheckList(InNode node)
    {
        if (!TryResolve(node.Field, out var field))
        {
            return;
        }

        string name = TargetingFields.Canonical(node.Field.Name);
        switch (field)
        {
            case TargetingField.Hour or TargetingField.Weekday:
                foreach (var value in node.Values)
                {
                    CheckOrdinal(field, value);
                }

                return;

            case TargetingField.Kv:
                var kind = node.Values[0].Kind == LiteralKind.Integer ? LiteralKind.Integer : LiteralKind.String;
                foreach (var value in node.Values)
                {
                    if (kind == LiteralKind.Integer && value.Kind != LiteralKind.Integer)
                    {
                        Error(value.Position, $"the list for {name} mixes numbers and text; use only numbers or only quoted strings");
                    }
                    else if (kind == LiteralKind.String)
                    {
                        CheckText(name, value);
                    }
                }

                return;

            default:
                foreach (var value in node.Values)
                {
                    if (CheckText(name, value) && field == TargetingField.Device)
                    {
                        CheckDevice(value);
                    }
                }

                return;
        }
    }

    private void CheckBetween(BetweenNode node)
    {
        if (!TryResolve(node.Field, out var field))
        {
            return;
        }

        string name = TargetingFields.Canonical(node.Field.Name);
        switch (field)
        {
            case TargetingField.Hour or TargetingField.Weekday:
                CheckOrdinal(field, node.Low);
                CheckOrdinal(field, node.High);
                return;

            case TargetingField.Kv:
                bool low = CheckInteger(name, node.Low);
                bool high = CheckInteger(name, node.High);
                if (low && high && node.Low.Number > node.High.Number)
                {
                    Error(node.Low.Position, $"between on {name} needs the lower bound first: between {node.High.Text} and {node.Low.Text}");
                }

                return;

            default:
                Error(node.Field.Position, $"'between' does not apply to {name}; use it with hour, weekday or kv.NAME");
                return;
        }
    }

    private void CheckOrdinal(TargetingField field, TargetingLiteral value)
    {
        if (field == TargetingField.Hour)
        {
            if (value.Kind != LiteralKind.Integer)
            {
                Error(value.Position, $"hour compares with a number from 0 to 23, not {Describe(value)}");
            }
            else if (value.Number is < 0 or > 23)
            {
                Error(value.Position, $"hour {value.Text} is out of range; hours are 0 to 23");
            }

            return;
        }

        if (value.Kind == LiteralKind.Integer)
        {
            Error(value.Position, $"weekday compares with a day name (mon, tue, wed, thu, fri, sat, sun), not the number {value.Text}");
        }
        else if (TargetingFields.WeekdayIndex(value.Text) < 0)
        {
            Error(value.Position, $"unknown weekday {Describe(value)}; use mon, tue, wed, thu, fri, sat or sun");
        }
    }

    private bool CheckText(string name, TargetingLiteral value)
    {
        if (value.Kind == LiteralKind.String)
        {
            return true;
        }

        Error(value.Position, $"{name} compares with text; quote the value: '{value.Text}'");
        return false;
    }

    private bool CheckInteger(string name, TargetingLiteral value)
    {
        if (value.Kind == LiteralKind.Integer)
        {
            return true;
        }

        Error(value.Position, $"between on {name} needs integer bounds, not {Describe(value)}");
        return false;
    }

    private void CheckDevice(TargetingLiteral value)
    {
        if (value.Text.Length == 0)
        {
            return; // device == '' tests for an unknown device.
        }

        foreach (string device in TargetingFields.Devices)
        {
            if (string.Equals(value.Text, device, StringComparison.OrdinalIgnoreCase))
            {
                return;
            }
        }

        Error(value.Position, $"unknown device {Describe(value)}; use desktop, mobile or tablet");
    }

    private static string Describe(TargetingLiteral value) => value.Kind switch
    {
        LiteralKind.String => TargetingPrinter.Quote(value.Text),
        LiteralKind.Integer => value.Number.ToString(CultureInfo.InvariantCulture),
        _ => $"'{value.Text}'",
    };

    private void Error(SourcePosition position, string message) =>
        _errors.Add(new TargetingError(position.Line, position.Column, message));
}
