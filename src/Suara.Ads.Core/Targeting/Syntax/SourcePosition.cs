namespace Suara.Ads.Core.Targeting.Syntax;

/// <summary>A 1-based line and column in a rule's source text.</summary>
internal readonly record struct SourcePosition(int Line, int Column)
{
    public static SourcePosition None => default;
}
