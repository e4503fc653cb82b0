namespace Suara.Ads.Core.Targeting.Syntax;

/// <summary>The binary operators of a comparison (<c>in</c> and <c>between</c> have their own nodes).</summary>
internal enum ComparisonOperator
{
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    Contains,
    StartsWith,
}
