using CsCheck;
using Suara.Ads.Core.Targeting;
using Suara.Ads.Core.Targeting.Syntax;

namespace Suara.Ads.Core.Tests.Targeting;

/// <summary>
/// CsCheck generators for well-typed rules and for contexts. Values come from small shared pools (mixed
/// case, empty strings, quotes and backslashes) so that rules and contexts often agree.
/// </summary>
internal static class TargetingGenerators
{
    private static readonly string[] s_stringFields =
        ["country", "region", "os", "browser", "language", "site", "placement", "section", "url", "path", "referrer", "Country"];

    private static readonly string[] s_stringPool =
        ["my", "MY", "sg", "news", "News", "sport", "/sport/", "/Sport/football", "google", "www.Google.com", "", "it's", "a\\b", "q\"z"];

    private static readonly string[] s_devicePool = ["desktop", "mobile", "Mobile", "TABLET"];

    private static readonly string[] s_keywordPool = ["travel", "Travel", "food", "cars", "it's"];

    private static readonly string[] s_kvKeys = ["tier", "age", "Tier", "x-y_1"];

    private static readonly string[] s_kvValuePool = ["premium", "Premium", "5", "10", "-3", "2.5", "abc", "", "05"];

    private static readonly long[] s_kvNumbers = [-3, 0, 2, 5, 10, 42];

    private static readonly string[] s_weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun", "Sat", "SUN"];

    private static readonly ComparisonOperator[] s_textOperators =
        [ComparisonOperator.Equal, ComparisonOperator.NotEqual, ComparisonOperator.Contains, ComparisonOperator.StartsWith];

    private static readonly ComparisonOperator[] s_orderOperators =
    [
        ComparisonOperator.Equal, ComparisonOperator.NotEqual, ComparisonOperator.Less,
        ComparisonOperator.LessOrEqual, ComparisonOperator.Greater, ComparisonOperator.GreaterOrEqual,
    ];

    private static readonly Gen<string> s_string = Gen.OneOf(s_stringPool);
    private static readonly Gen<TargetingLiteral> s_stringLiteral = s_string.Select(TargetingLiteral.String);
    private static readonly Gen<TargetingLiteral> s_deviceLiteral = Gen.OneOf(s_devicePool).Select(TargetingLiteral.String);
    private static readonly Gen<TargetingLiteral> s_keywordLiteral = Gen.OneOf(s_keywordPool).Select(TargetingLiteral.String);
    private static readonly Gen<TargetingLiteral> s_kvStringLiteral = Gen.OneOf(s_kvValuePool).Select(TargetingLiteral.String);
    private static readonly Gen<TargetingLiteral> s_kvNumberLiteral = Gen.OneOf(s_kvNumbers).Select(TargetingLiteral.Integer);
    private static readonly Gen<TargetingLiteral> s_hourLiteral = Gen.Int[0, 23].Select(h => TargetingLiteral.Integer(h));

    private static readonly Gen<TargetingLiteral> s_weekdayLiteral =
        Gen.Select(Gen.OneOf(s_weekdays), Gen.Bool, (day, quoted) => quoted ? TargetingLiteral.String(day) : TargetingLiteral.Word(day));

    /// <summary><c>field op value</c>, <c>field [not] in (...)</c> with a text literal generator.</summary>
    private static Gen<TargetingNode> TextLeaf(Gen<string> field, ComparisonOperator[] operators, Gen<TargetingLiteral> literal) =>
        Gen.Frequency(
            (3, Gen.Select(field, Gen.OneOf(operators), literal, (f, op, v) => (TargetingNode)new ComparisonNode(Field(f), op, v))),
            (2, Gen.Select(field, Gen.Bool, literal.Array[1, 6], (f, negated, values) => (TargetingNode)new InNode(Field(f), negated, values))));

    /// <summary>Leaves over an ordered field: comparisons, in lists and between.</summary>
    private static Gen<TargetingNode> OrderedLeaf(Gen<string> field, Gen<TargetingLiteral> literal, bool ordered) =>
        Gen.Frequency(
            (3, Gen.Select(field, Gen.OneOf(s_orderOperators), literal, (f, op, v) => (TargetingNode)new ComparisonNode(Field(f), op, v))),
            (2, Gen.Select(field, Gen.Bool, literal.Array[1, 4], (f, negated, values) => (TargetingNode)new InNode(Field(f), negated, values))),
            (2, Gen.Select(field, literal, literal, (f, low, high) =>
            {
                // kv between needs low <= high; hour and weekday wrap around instead.
                if (ordered && low.Number > high.Number)
                {
                    (low, high) = (high, low);
                }

                return (TargetingNode)new BetweenNode(Field(f), low, high);
            })));

    private static readonly Gen<string> s_kvField = Gen.OneOf(s_kvKeys).Select(k => "kv." + k);

    /// <summary>Any well-typed comparison.</summary>
    public static readonly Gen<TargetingNode> Leaf = Gen.Frequency(
        (6, TextLeaf(Gen.OneOf(s_stringFields), s_textOperators, s_stringLiteral)),
        (2, TextLeaf(Gen.Const("device"), [ComparisonOperator.Equal, ComparisonOperator.NotEqual], s_deviceLiteral)),
        (2, TextLeaf(Gen.Const("keywords"), [ComparisonOperator.Equal, ComparisonOperator.NotEqual, ComparisonOperator.Contains], s_keywordLiteral)),
        (2, OrderedLeaf(Gen.Const("hour"), s_hourLiteral, ordered: false)),
        (2, OrderedLeaf(Gen.Const("weekday"), s_weekdayLiteral, ordered: false)),
        (2, TextLeaf(s_kvField, s_textOperators, s_kvStringLiteral)),
        (2, OrderedLeaf(s_kvField, s_kvNumberLiteral, ordered: true)));

    /// <summary>A well-typed rule at most <paramref name="depth"/> levels of and/or/not above the comparisons.</summary>
    public static Gen<TargetingNode> Node(int depth)
    {
        if (depth == 0)
        {
            return Leaf;
        }

        var child = Node(depth - 1);
        return Gen.Frequency(
            (3, Leaf),
            (2, child.Array[2, 3].Select(operands => (TargetingNode)new AndNode(operands))),
            (2, child.Array[2, 3].Select(operands => (TargetingNode)new OrNode(operands))),
            (1, child.Select(operand => (TargetingNode)new NotNode(operand))));
    }

    /// <summary>A context with values drawn from the same pools as the rules.</summary>
    public static readonly Gen<ContextSpec> Context =
        from strings in Gen.OneOf(s_stringPool).Array[12, 12]
        from device in Gen.OneOf(s_devicePool.Append("").ToArray())
        from keywords in Gen.OneOf(s_keywordPool).Array[0, 3]
        from hour in Gen.Int[0, 23]
        from weekday in Gen.Int[0, 6]
        from kvKeys in Gen.OneOf(s_kvKeys).Array[0, 3]
        from kvValues in Gen.OneOf(s_kvValuePool).Array[3, 3]
        select new ContextSpec(strings, device, keywords, hour, (DayOfWeek)weekday, kvKeys, kvValues);

    private static FieldReference Field(string name) => new(name, SourcePosition.None);

    /// <summary>The generated data of a context, printable for failure reports.</summary>
    internal sealed record ContextSpec(
        string[] Strings, string Device, string[] Keywords, int Hour, DayOfWeek Weekday, string[] KvKeys, string[] KvValues)
    {
        public TargetingContext ToContext()
        {
            var kv = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            for (int i = 0; i < KvKeys.Length; i++)
            {
                kv[KvKeys[i]] = KvValues[i];
            }

            return new TargetingContext
            {
                Country = Strings[0],
                Region = Strings[1],
                Device = Device,
                Os = Strings[2],
                Browser = Strings[3],
                Language = Strings[4],
                Site = Strings[5],
                Placement = Strings[6],
                Section = Strings[7],
                Url = Strings[8],
                Path = Strings[9],
                Referrer = Strings[10],
                Keywords = new HashSet<string>(Keywords, StringComparer.OrdinalIgnoreCase),
                Hour = Hour,
                Weekday = Weekday,
                Kv = kv,
            };
        }

        public override string ToString()
        {
            var context = ToContext();
            return $"country={context.Country} region={context.Region} device={Device} os={context.Os} browser={context.Browser} "
                + $"language={context.Language} site={context.Site} placement={context.Placement} section={context.Section} "
                + $"url={context.Url} path={context.Path} referrer={context.Referrer} keywords=[{string.Join(",", Keywords)}] "
                + $"hour={Hour} weekday={Weekday} kv={{{string.Join(",", context.Kv.Select(p => p.Key + "=" + p.Value))}}}";
        }
    }
}
