using Suara.Ads.Core.Targeting;

namespace Suara.Ads.Core.Tests.Targeting;

public sealed class TargetingRuleErrorTests
{
    public static TheoryData<string, int, int, string> SyntaxErrorCases => new()
    {
        { "country == 'MY' and == 'x'", 1, 21, "expected a field name (such as country), 'not' or '(' but found '=='" },
        { "country == 'MY' and device == and", 1, 31, "expected a value (string or number) after '==' but found 'and'" },
        { "country == ", 1, 12, "expected a value (string or number) after '==' but found the end of the rule" },
        { "country = 'MY'", 1, 9, "unexpected '='; use '==' to compare" },
        { "country ! 'MY'", 1, 9, "unexpected '!'; use '!=' or 'not'" },
        { "country 'MY'", 1, 9, "expected an operator (==, !=, <, <=, >, >=, in, not in, contains, startswith or between) after 'country' but found 'MY'" },
        { "country == 'MY' device == 'mobile'", 1, 17, "expected 'and', 'or' or the end of the rule but found 'device'" },
        { "country == 'MY", 1, 12, "unterminated string: expected a closing ' on the same line" },
        { "country == \"MY'", 1, 12, "unterminated string: expected a closing \" on the same line" },
        { "country == 'M\\y'", 1, 14, @"invalid escape in string: only \', \"" and \\ are allowed" },
        { "country not 'MY'", 1, 13, "expected 'in' after 'not' but found 'MY'" },
        { "country in 'MY'", 1, 12, "expected '(' after 'in' but found 'MY'" },
        { "country in ('MY' 'SG')", 1, 18, "expected ',' or ')' in the list of values but found 'SG'" },
        { "country in ()", 1, 13, "expected a value (string or number) after '(' but found ')'" },
        { "country in ('MY',)", 1, 18, "expected a value (string or number) after ',' but found ')'" },
        { "hour between 1 5", 1, 16, "expected 'and' between the two bounds of 'between' but found '5'" },
        { "(country == 'MY'", 1, 17, "expected ')' to close the '(' at line 1, column 1, or 'and', 'or' but found the end of the rule" },
        { "country == 'MY')", 1, 16, "expected 'and', 'or' or the end of the rule but found ')'" },
        { "country == 'MY' and", 1, 20, "expected a field name (such as country), 'not' or '(' but found the end of the rule" },
        { "country == 'MY' # comment", 1, 17, "unexpected character '#'" },
        { "hour == 99999999999999999999", 1, 9, "number 99999999999999999999 is too large" },
        { "and == 'x'", 1, 1, "expected a field name (such as country), 'not' or '(' but found 'and'" },
    };

    public static TheoryData<string, int, int, string> MultiLineCases => new()
    {
        { "country == 'MY'\n  and (device == 'mobile'\n  or hour >)", 3, 12, "expected a value (string or number) after '>' but found ')'" },
        { "country == 'MY'\r\n\r\n   and devic 'x'", 3, 14, "expected an operator" },
        { "country in ('MY',\n            'SG'\n            'ID')", 3, 13, "expected ',' or ')' in the list of values but found 'ID'" },
        { "(country == 'MY'\n and device == 'mobile'", 2, 24, "expected ')' to close the '(' at line 1, column 1" },
        { "section == 'news'\n\tand path == 'a\\qb'", 2, 16, "invalid escape" },
    };

    [Theory]
    [MemberData(nameof(SyntaxErrorCases))]
    [MemberData(nameof(MultiLineCases))]
    public void Compile_SyntaxError_ReportsLineColumnAndExpectation(string source, int line, int column, string message)
    {
        var result = TargetingRule.Compile(source);

        Assert.False(result.Success);
        Assert.Null(result.Rule);
        var error = Assert.Single(result.Errors);
        Assert.Equal((line, column), (error.Line, error.Column));
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, int, int, string> TypeErrorCases => new()
    {
        { "hour == 'x'", 1, 9, "hour compares with a number from 0 to 23, not 'x'" },
        { "hour == 24", 1, 9, "hour 24 is out of range; hours are 0 to 23" },
        { "hour > 24", 1, 8, "hour 24 is out of range" },
        { "hour in (1, 99)", 1, 13, "hour 99 is out of range" },
        { "hour between 22 and -1", 1, 21, "hour -1 is out of range" },
        { "hour contains 5", 1, 1, "'contains' does not apply to hour" },
        { "country < 'MY'", 1, 1, "'<' does not apply to country (text)" },
        { "country == 5", 1, 12, "country compares with text; quote the value: '5'" },
        { "country == MY", 1, 12, "country compares with text; quote the value: 'MY'" },
        { "country between 'a' and 'b'", 1, 1, "'between' does not apply to country" },
        { "device == 'phone'", 1, 11, "unknown device 'phone'; use desktop, mobile or tablet" },
        { "device in ('mobile', 'tv')", 1, 22, "unknown device 'tv'" },
        { "device contains 'mob'", 1, 1, "'contains' does not apply to device" },
        { "weekday == funday", 1, 12, "unknown weekday 'funday'; use mon, tue, wed, thu, fri, sat or sun" },
        { "weekday == 'funday'", 1, 12, "unknown weekday 'funday'" },
        { "weekday == 1", 1, 12, "weekday compares with a day name" },
        { "weekday startswith 'mo'", 1, 1, "'startswith' does not apply to weekday" },
        { "keywords < 'x'", 1, 1, "'<' does not apply to keywords (a set)" },
        { "keywords startswith 'x'", 1, 1, "'startswith' does not apply to keywords" },
        { "keywords == 5", 1, 13, "keywords compares with text" },
        { "keywords between 'a' and 'b'", 1, 1, "'between' does not apply to keywords" },
        { "kv.age < 'x'", 1, 10, "'<' on kv.age needs an integer, such as kv.age < 10" },
        { "kv.age contains 5", 1, 17, "'contains' compares text; quote the value: '5'" },
        { "kv.age between 65 and 18", 1, 16, "between on kv.age needs the lower bound first: between 18 and 65" },
        { "kv.age between 'a' and 5", 1, 16, "between on kv.age needs integer bounds, not 'a'" },
        { "kv.age in (1, 'x')", 1, 15, "the list for kv.age mixes numbers and text" },
        { "kv.a.b == 'x'", 1, 1, "invalid key-value field 'kv.a.b': use kv.NAME" },
        { "kv. == 'x'", 1, 1, "invalid key-value field 'kv.'" },
        { "contry == 'MY'", 1, 1, "unknown field 'contry'; valid fields are country, region, device, os, browser, language, site, placement, section, url, path, referrer, keywords, hour, weekday, kv.NAME" },
    };

    [Theory]
    [MemberData(nameof(TypeErrorCases))]
    public void Compile_TypeError_ReportsPositionOfFieldOrLiteral(string source, int line, int column, string message)
    {
        var result = TargetingRule.Compile(source);

        Assert.False(result.Success);
        var error = Assert.Single(result.Errors);
        Assert.Equal((line, column), (error.Line, error.Column));
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_SeveralTypeErrors_ReportsAllInSourceOrder()
    {
        var result = TargetingRule.Compile("contry == 'MY' and hour == 24\n  and (device == 'phone' or weekday == funday)\n  and country < 'x'");

        Assert.False(result.Success);
        Assert.Equal(
            [(1, 1), (1, 28), (2, 18), (2, 40), (3, 7)],
            result.Errors.Select(e => (e.Line, e.Column)).ToArray());
        Assert.Contains("unknown field 'contry'", result.Errors[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Error_ToString_IncludesLineAndColumn()
    {
        var error = Assert.Single(TargetingRule.Compile("country == 'MY' and device == and").Errors);

        Assert.Equal("line 1, column 31: expected a value (string or number) after '==' but found 'and'", error.ToString());
    }

    [Fact]
    public void Compile_RuleAtLengthLimit_Compiles()
    {
        string source = "country == '" + new string('x', 4096 - 13) + "'";

        Assert.Equal(4096, source.Length);
        Assert.True(TargetingRule.Compile(source).Success);
    }

    [Fact]
    public void Compile_RuleOverLengthLimit_ReportsError()
    {
        string source = "country == '" + new string('x', 4096 - 12) + "'";

        var error = Assert.Single(TargetingRule.Compile(source).Errors);

        Assert.Equal((1, 4097), (error.Line, error.Column));
        Assert.Equal("the rule is 4097 characters long; the limit is 4096", error.Message);
    }

    [Fact]
    public void Compile_NestingAtDepthLimit_Compiles()
    {
        string source = new string('(', 32) + "country == 'MY'" + new string(')', 32);

        Assert.True(TargetingRule.Compile(source).Success);
        Assert.True(TargetingRule.Compile(string.Concat(Enumerable.Repeat("not ", 32)) + "country == 'MY'").Success);
    }

    [Fact]
    public void Compile_NestingOverDepthLimit_ReportsError()
    {
        string source = new string('(', 33) + "country == 'MY'" + new string(')', 33);

        var error = Assert.Single(TargetingRule.Compile(source).Errors);

        Assert.Equal((1, 33), (error.Line, error.Column));
        Assert.StartsWith("the rule nests too deeply: at most 32", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_HugeNesting_ReportsErrorWithoutStackOverflow()
    {
        string parentheses = new string('(', 4000) + "hour == 1";
        string nots = string.Concat(Enumerable.Repeat("not ", 1000));

        Assert.False(TargetingRule.Compile(parentheses).Success);
        Assert.False(TargetingRule.Compile(nots + "hour == 1").Success);
    }

    [Fact]
    public void Compile_NullSource_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => TargetingRule.Compile(null!));
    }
}
