namespace Suara.Ads.Core.Targeting.Syntax;

/// <summary>One token of a rule.</summary>
/// <param name="Kind">What the token is.</param>
/// <param name="Text">The token exactly as written in the source (for error messages).</param>
/// <param name="Value">For strings, the unescaped value; otherwise <paramref name="Text"/>.</param>
/// <param name="Number">For integers, the value.</param>
/// <param name="Position">Where the token starts.</param>
internal readonly record struct Token(TokenKind Kind, string Text, string Value, long Number, SourcePosition Position)
{
    /// <summary>Whether this is the language keyword <paramref name="keyword"/> (keywords are case-insensitive).</summary>
    public bool IsKeyword(string keyword) =>
        Kind == TokenKind.Identifier && string.Equals(Text, keyword, StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether this is any language keyword.</summary>
    public bool IsAnyKeyword => Kind == TokenKind.Identifier && TargetingLexer.IsKeyword(Text);

    /// <summary>How the token is named in an error message.</summary>
    public string Describe() => Kind switch
    {
        TokenKind.End => "the end of the rule",
        TokenKind.String => Text,
        _ => $"'{Text}'",
    };
}
