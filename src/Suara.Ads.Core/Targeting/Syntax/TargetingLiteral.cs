namespace Suara.Ads.Core.Targeting.Syntax;

/// <summary>A value in a rule.</summary>
/// <param name="Kind">How it was written.</param>
/// <param name="Text">The unescaped string, the bare word, or the integer's decimal text.</param>
/// <param name="Number">The integer value for <see cref="LiteralKind.Integer"/>, else 0.</param>
/// <param name="Position">Where it starts (not part of equality).</param>
internal sealed record TargetingLiteral(LiteralKind Kind, string Text, long Number, SourcePosition Position)
{
    public static TargetingLiteral String(string value) => new(LiteralKind.String, value, 0, SourcePosition.None);

    public static TargetingLiteral Integer(long value) =>
        new(LiteralKind.Integer, value.ToString(System.Globalization.CultureInfo.InvariantCulture), value, SourcePosition.None);

    public static TargetingLiteral Word(string word) => new(LiteralKind.Word, word, 0, SourcePosition.None);

    public bool Equals(TargetingLiteral? other) =>
        other is not null && Kind == other.Kind && Number == other.Number && string.Equals(Text, other.Text, StringComparison.Ordinal);

    public override int GetHashCode() => HashCode.Combine(Kind, Number, StringComparer.Ordinal.GetHashCode(Text));
}
