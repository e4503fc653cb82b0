namespace Suara.Ads.Core.Targeting.Syntax;

/// <summary>How a literal was written.</summary>
internal enum LiteralKind
{
    /// <summary>A quoted string.</summary>
    String,
    /// <summary>A decimal integer.</summary>
    Integer,
    /// <summary>A bare word, such as the weekday <c>mon</c>.</summary>
    Word,
}
