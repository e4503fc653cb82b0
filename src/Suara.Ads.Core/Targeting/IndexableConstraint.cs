namespace Suara.Ads.Core.Targeting;

/// <summary>
/// A top-level conjunct of a rule that pins a string field to a set of values
/// (<c>field == 'a'</c> or <c>field in ('a', 'b')</c>): the rule can only match when the context's
/// value of <paramref name="Field"/> is one of <paramref name="Values"/> (compared ignoring case).
/// The catalog index uses these to skip rules that cannot match.
/// </summary>
/// <param name="Field">A string field other than <see cref="TargetingField.Kv"/> and <see cref="TargetingField.Keywords"/>.</param>
/// <param name="Values">The accepted values, lower-cased (invariant), distinct.</param>
public sealed record IndexableConstraint(TargetingField Field, IReadOnlyList<string> Values);
