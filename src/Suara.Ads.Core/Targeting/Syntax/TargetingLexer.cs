using System.Globalization;
using System.Text;

namespace Suara.Ads.Core.Targeting.Syntax;

/// <summary>Splits a rule into tokens, tracking 1-based line and column.</summary>
internal sealed class TargetingLexer
{
    private static readonly string[] s_keywords = ["and", "or", "not", "in", "contains", "startswith", "between"];

    /// <summary>
    /// Words most rules are made of (the keywords, the field names, the device values), returned as these strings
    /// rather than as a new string per token: a big catalog compiles tens of thousands of rules at start.
    /// </summary>
    private static readonly string[] s_commonWords = [.. s_keywords, .. TargetingFields.Names, .. TargetingFields.Devices];

    private readonly string _source;
    private int _index;
    private int _line = 1;
    private int _column = 1;

    private TargetingLexer(string source) => _source = source;

    /// <summary>Whether <paramref name="word"/> is a keyword of the language (case-insensitive).</summary>
    public static bool IsKeyword(string word)
    {
        foreach (string keyword in s_keywords)
        {
            if (string.Equals(word, keyword, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Tokenizes <paramref name="source"/>; the last token is always <see cref="TokenKind.End"/>.</summary>
    /// <returns><c>null</c> on success, else the first lexical error.</returns>
    public static TargetingError? Tokenize(string source, List<Token> tokens)
    {
        var lexer = new TargetingLexer(source);
        return lexer.Run(tokens);
    }

    /// <summary>The position of character <paramref name="index"/> of <paramref name="source"/>.</summary>
    public static SourcePosition PositionOf(string source, int index)
    {
        int line = 1;
        int column = 1;
        for (int i = 0; i < index && i < source.Length; i++)
        {
            if (source[i] == '\n')
            {
                line++;
                column = 1;
            }
            else
            {
                column++;
            }
        }

        return new SourcePosition(line, column);
    }

    private static bool IsIdentifierStart(char c) => char.IsAsciiLetter(c) || c == '_';

    private static bool IsIdentifierPart(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.';

    private TargetingError? Run(List<Token> tokens)
    {
        while (true)
        {
            SkipWhitespace();
            var start = new SourcePosition(_line, _column);
            if (_index >= _source.Length)
            {
                tokens.Add(new Token(TokenKind.End, "", "", 0, start));
                return null;
            }

            char c = _source[_index];
            char next = _index + 1 < _source.Length ? _source[_index + 1] : '\0';
            switch (c)
            {
                case '(':
                    tokens.Add(Simple(TokenKind.OpenParen, 1, start));
                    continue;
                case ')':
                    tokens.Add(Simple(TokenKind.CloseParen, 1, start));
                    continue;
                case ',':
                    tokens.Add(Simple(TokenKind.Comma, 1, start));
                    continue;
                case '=' when next == '=':
                    tokens.Add(Simple(TokenKind.Equal, 2, start));
                    continue;
                case '=':
                    return Error(start, "unexpected '='; use '==' to compare");
                case '!' when next == '=':
                    tokens.Add(Simple(TokenKind.NotEqual, 2, start));
                    continue;
                case '!':
                    return Error(start, "unexpected '!'; use '!=' or 'not'");
                case '<' when next == '=':
                    tokens.Add(Simple(TokenKind.LessOrEqual, 2, start));
                    continue;
                case '<':
                    tokens.Add(Simple(TokenKind.Less, 1, start));
                    continue;
                case '>' when next == '=':
                    tokens.Add(Simple(TokenKind.GreaterOrEqual, 2, start));
                    continue;
                case '>':
                    tokens.Add(Simple(TokenKind.Greater, 1, start));
                    continue;
                case '\'' or '"':
                {
                    var error = ReadString(c, start, tokens);
                    if (error is not null)
                    {
                        return error;
                    }

                    continue;
                }
            }

            if (char.IsAsciiDigit(c) || (c == '-' && char.IsAsciiDigit(next)))
            {
                var error = ReadInteger(start, tokens);
                if (error is not null)
                {
                    return error;
                }

                continue;
            }

            if (IsIdentifierStart(c))
            {
                int begin = _index;
                while (_index < _source.Length && IsIdentifierPart(_source[_index]))
                {
                    Advance();
                }

                string text = Word(_source.AsSpan(begin, _index - begin));
                tokens.Add(new Token(TokenKind.Identifier, text, text, 0, start));
                continue;
            }

            return Error(start, $"unexpected character '{c}'");
        }
    }

    private void SkipWhitespace()
    {
        while (_index < _source.Length && char.IsWhiteSpace(_source[_index]))
        {
            Advance();
        }
    }

    private void Advance()
    {
        if (_source[_index] == '\n')
        {
            _line++;
            _column = 1;
        }
        else
        {
            _column++;
        }

        _index++;
    }

    /// <summary><paramref name="word"/> as one of <see cref="s_commonWords"/> when it is one, else as a new string.</summary>
    private static string Word(ReadOnlySpan<char> word)
    {
        foreach (var common in s_commonWords)
        {
            if (word.SequenceEqual(common))
            {
                return common;
            }
        }

        return word.ToString();
    }

    private Token Simple(TokenKind kind, int length, SourcePosition start)
    {
        // The punctuation's text is always the same: no new string per token.
        string text = kind switch
        {
            TokenKind.OpenParen => "(",
            TokenKind.CloseParen => ")",
            TokenKind.Comma => ",",
            TokenKind.Equal => "==",
            TokenKind.NotEqual => "!=",
            TokenKind.Less => "<",
            TokenKind.LessOrEqual => "<=",
            TokenKind.Greater => ">",
            TokenKind.GreaterOrEqual => ">=",
            _ => _source.Substring(_index, length),
        };
        for (int i = 0; i < length; i++)
        {
            Advance();
        }

        return new Token(kind, text, text, 0, start);
    }

    private TargetingError? ReadString(char quote, SourcePosition start, List<Token> tokens)
    {
        int begin = _index;
        Advance();
        StringBuilder? value = null; // only for a string with escapes: most have none, and are a slice of the source
        while (true)
        {
            if (_index >= _source.Length || _source[_index] is '\n' or '\r')
            {
                return Error(start, $"unterminated string: expected a closing {quote} on the same line");
            }

            char c = _source[_index];
            if (c == quote)
            {
                Advance();
                break;
            }

            if (c == '\\')
            {
                var escapePosition = new SourcePosition(_line, _column);
                char escaped = _index + 1 < _source.Length ? _source[_index + 1] : '\0';
                if (escaped is not ('\'' or '"' or '\\'))
                {
                    return Error(escapePosition, @"invalid escape in string: only \', \"" and \\ are allowed");
                }

                value ??= new StringBuilder().Append(_source, begin + 1, _index - begin - 1);
                Advance();
                Advance();
                value.Append(escaped);
                continue;
            }

            value?.Append(c);
            Advance();
        }

        tokens.Add(new Token(TokenKind.String, _source[begin.._index], value?.ToString() ?? _source[(begin + 1)..(_index - 1)], 0, start));
        return null;
    }

    private TargetingError? ReadInteger(SourcePosition start, List<Token> tokens)
    {
        int begin = _index;
        Advance();
        while (_index < _source.Length && char.IsAsciiDigit(_source[_index]))
        {
            Advance();
        }

        string text = _source[begin.._index];
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long number))
        {
            return Error(start, $"number {text} is too large");
        }

        tokens.Add(new Token(TokenKind.Integer, text, text, number, start));
        return null;
    }

    private static TargetingError Error(SourcePosition position, string message) =>
        new(position.Line, position.Column, message);
}
