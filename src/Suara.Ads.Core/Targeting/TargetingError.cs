namespace Suara.Ads.Core.Targeting;

/// <summary>An error in a targeting rule, with its 1-based position.</summary>
/// <param name="Line">1-based line.</param>
/// <param name="Column">1-based column.</param>
/// <param name="Message">What is wrong, and what was expected.</param>
public sealed record TargetingError(int Line, int Column, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"line {Line}, column {Column}: {Message}";
}
