namespace Suara.Ads.Core.Targeting.Syntax;

/// <summary>
/// Recursive-descent parser for the targeting language. Precedence, loosest first:
/// <c>or</c>, <c>and</c>, <c>not</c>, comparison. Stops at the first syntax error.
/// </summary>
internal sealed class TargetingParser
{
    /// <summary>The longest rule accepted, in characters.</summary>
    public const int MaxLength = 4096;

    /// <summary>The deepest nesting of parentheses and <c>not</c> accepted.</summary>
    public const int MaxDepth = 32;

    private const string Operators = "==, !=, <, <=, >, >=, in, not in, contains, startswith or between";

    private readonly List<Token> _tokens;
    private int _position;
    private int _depth;

    private TargetingParser(List<Token> tokens) => _tokens = tokens;

    private Token Current => _tokens[_position];

    /// <summary>Parses <paramref name="source"/>.</summary>
    /// <returns>The syntax tree (<c>null</c> for an empty rule) or the first syntax error.</returns>
    public static (TargetingNode? Node, TargetingError? Error) Parse(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.Length > MaxLength)
        {
            var at = TargetingLexer.PositionOf(source, MaxLength);
            return (null, new TargetingError(at.Line, at.Column,
                $"the rule is {source.Length} characters long; the limit is {MaxLength}"));
        }

        // The token list is the thread's, reused rule after rule (the syntax tree keeps no token): a catalog of 100k
        // campaigns compiles some 60k rules at start, and growing a new list for each was a third of their garbage.
        var tokens = t_tokens ?? new List<Token>(32);
        t_tokens = null;
        try
        {
            var lexError = TargetingLexer.Tokenize(source, tokens);
            if (lexError is not null)
            {
                return (null, lexError);
            }

            if (tokens.Count == 1)
            {
                return (null, null);
            }

            var parser = new TargetingParser(tokens);
            try
            {
                var node = parser.ParseOr();
                if (parser.Current.Kind != TokenKind.End)
                {
                    throw parser.Unexpected("'and', 'or' or the end of the rule");
                }

                return (node, null);
            }
            catch (SyntaxException e)
            {
                return (null, e.Error);
            }
        }
        finally
        {
            tokens.Clear();
            if (tokens.Capacity <= MaxKeptTokens)
            {
                t_tokens = tokens;
            }
        }
    }

    /// <summary>A thread keeps its token list for the next rule up to this capacity (a rule of 4,096 characters has at most about 2,000 tokens).</summary>
    private const int MaxKeptTokens = 4096;

    [ThreadStatic]
    private static List<Token>? t_tokens;

    private TargetingNode ParseOr()
    {
        var first = ParseAnd();
        if (!Current.IsKeyword("or"))
        {
            return first;
        }

        var operands = new List<TargetingNode> { first };
        while (Current.IsKeyword("or"))
        {
            _position++;
            operands.Add(ParseAnd());
        }

        return new OrNode(operands.ToArray());
    }

    private TargetingNode ParseAnd()
    {
        var first = ParseNot();
        if (!Current.IsKeyword("and"))
        {
            return first;
        }

        var operands = new List<TargetingNode> { first };
        while (Current.IsKeyword("and"))
        {
            _position++;
            operands.Add(ParseNot());
        }

        return new AndNode(operands.ToArray());
    }

    private TargetingNode ParseNot()
    {
        if (!Current.IsKeyword("not"))
        {
            return ParsePrimary();
        }

        Enter();
        _position++;
        var operand = ParseNot();
        _depth--;
        return new NotNode(operand);
    }

    private TargetingNode ParsePrimary()
    {
        var token = Current;
        if (token.Kind == TokenKind.OpenParen)
        {
            Enter();
            _position++;
            var inner = ParseOr();
            if (Current.Kind != TokenKind.CloseParen)
            {
                throw Unexpected($"')' to close the '(' at line {token.Position.Line}, column {token.Position.Column}, or 'and', 'or'");
            }

            _position++;
            _depth--;
            return inner;
        }

        if (token.Kind != TokenKind.Identifier || token.IsAnyKeyword)
        {
            throw Unexpected("a field name (such as country), 'not' or '('");
        }

        _position++;
        return ParseComparison(new FieldReference(token.Text, token.Position));
    }

    private TargetingNode ParseComparison(FieldReference field)
    {
        var token = Current;
        ComparisonOperator? op = token.Kind switch
        {
            TokenKind.Equal => ComparisonOperator.Equal,
            TokenKind.NotEqual => ComparisonOperator.NotEqual,
            TokenKind.Less => ComparisonOperator.Less,
            TokenKind.LessOrEqual => ComparisonOperator.LessOrEqual,
            TokenKind.Greater => ComparisonOperator.Greater,
            TokenKind.GreaterOrEqual => ComparisonOperator.GreaterOrEqual,
            _ when token.IsKeyword("contains") => ComparisonOperator.Contains,
            _ when token.IsKeyword("startswith") => ComparisonOperator.StartsWith,
            _ => null,
        };

        if (op is { } comparison)
        {
            _position++;
            return new ComparisonNode(field, comparison, ParseValue(token));
        }

        if (token.IsKeyword("in"))
        {
            _position++;
            return ParseList(field, negated: false, token);
        }

        if (token.IsKeyword("not"))
        {
            _position++;
            var inToken = Current;
            if (!inToken.IsKeyword("in"))
            {
                throw Unexpected("'in' after 'not'");
            }

            _position++;
            return ParseList(field, negated: true, inToken);
        }

        if (token.IsKeyword("between"))
        {
            _position++;
            var low = ParseValue(token);
            var and = Current;
            if (!and.IsKeyword("and"))
            {
                throw Unexpected("'and' between the two bounds of 'between'");
            }

            _position++;
            var high = ParseValue(and);
            return new BetweenNode(field, low, high);
        }

        throw Unexpected($"an operator ({Operators}) after '{field.Name}'");
    }

    private InNode ParseList(FieldReference field, bool negated, Token inToken)
    {
        if (Current.Kind != TokenKind.OpenParen)
        {
            throw Unexpected($"'(' after '{inToken.Text}'");
        }

        var open = Current;
        _position++;
        var values = new List<TargetingLiteral> { ParseValue(open) };
        while (Current.Kind == TokenKind.Comma)
        {
            var comma = Current;
            _position++;
            values.Add(ParseValue(comma));
        }

        if (Current.Kind != TokenKind.CloseParen)
        {
            throw Unexpected("',' or ')' in the list of values");
        }

        _position++;
        return new InNode(field, negated, values.ToArray());
    }

    private TargetingLiteral ParseValue(Token after)
    {
        var token = Current;
        var literal = token.Kind switch
        {
            TokenKind.String => new TargetingLiteral(LiteralKind.String, token.Value, 0, token.Position),
            TokenKind.Integer => TargetingLiteral.Integer(token.Number) with { Position = token.Position },
            TokenKind.Identifier when !token.IsAnyKeyword => new TargetingLiteral(LiteralKind.Word, token.Text, 0, token.Position),
            _ => throw Unexpected($"a value (string or number) after '{after.Text}'"),
        };

        _position++;
        return literal;
    }

    private void Enter()
    {
        if (++_depth > MaxDepth)
        {
            var at = Current.Position;
            throw new SyntaxException(new TargetingError(at.Line, at.Column,
                $"the rule nests too deeply: at most {MaxDepth} levels of parentheses and 'not'"));
        }
    }

    private SyntaxException Unexpected(string expected)
    {
        var token = Current;
        return new SyntaxException(new TargetingError(token.Position.Line, token.Position.Column,
            $"expected {expected} but found {token.Describe()}"));
    }

    /// <summary>Unwinds the parser at the first syntax error; never escapes <see cref="Parse"/>.</summary>
    private sealed class SyntaxException(TargetingError error) : Exception(error.Message)
    {
        public TargetingError Error { get; } = error;
    }
}
