namespace Suara.Ads.Core.Targeting.Syntax;

/// <summary>The kinds of token the targeting lexer produces.</summary>
internal enum TokenKind
{
    End,
    /// <summary>A field name, a language keyword (and, or, not, in, ...) or a bare word such as <c>mon</c>.</summary>
    Identifier,
    String,
    Integer,
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    OpenParen,
    CloseParen,
    Comma,
}
