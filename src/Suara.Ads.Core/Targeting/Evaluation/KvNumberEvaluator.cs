using Suara.Ads.Core.Targeting.Syntax;

namespace Suara.Ads.Core.Targeting.Evaluation;

/// <summary>
/// <c>kv.NAME</c> compared with integers: the value is read as a number; when it is missing or not a
/// number, the comparison is false (for <c>!=</c> and <c>not in</c> too).
/// </summary>
internal sealed class KvNumberEvaluator : TargetingEvaluator
{
    private readonly StringSources.Kv _field;
    private readonly ComparisonOperator _operator;
    private readonly double _low;
    private readonly double _high;
    private readonly double[]? _values;
    private readonly bool _negated;

    /// <summary><c>kv.NAME op number</c>.</summary>
    public KvNumberEvaluator(TargetingNode source, string key, ComparisonOperator op, long value)
        : base(source)
    {
        _field = new StringSources.Kv(key);
        _operator = op;
        _low = value;
        _high = value;
    }

    /// <summary><c>kv.NAME between low and high</c> (inclusive).</summary>
    public KvNumberEvaluator(TargetingNode source, string key, long low, long high)
        : base(source)
    {
        _field = new StringSources.Kv(key);
        _operator = ComparisonOperator.Equal;
        _low = low;
        _high = high;
    }

    /// <summary><c>kv.NAME in (numbers)</c> or <c>not in</c>.</summary>
    public KvNumberEvaluator(TargetingNode source, string key, double[] values, bool negated)
        : base(source)
    {
        _field = new StringSources.Kv(key);
        _values = values;
        _negated = negated;
    }

    public override bool Evaluate(TargetingContext context)
    {
        if (!TargetingNumbers.TryParse(_field.Read(context), out double value))
        {
            return false;
        }

        if (_values is not null)
        {
            foreach (double candidate in _values)
            {
                if (value == candidate)
                {
                    return !_negated;
                }
            }

            return _negated;
        }

        return _operator switch
        {
            ComparisonOperator.Equal => value >= _low && value <= _high,
            ComparisonOperator.NotEqual => value != _low,
            ComparisonOperator.Less => value < _low,
            ComparisonOperator.LessOrEqual => value <= _low,
            ComparisonOperator.Greater => value > _low,
            ComparisonOperator.GreaterOrEqual => value >= _low,
            _ => false,
        };
    }
}
