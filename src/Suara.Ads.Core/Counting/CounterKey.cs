namespace Suara.Ads.Core.Counting;

/// <summary>One counter cell: a campaign's creative in a placement, in one UTC hour, of one kind.</summary>
/// <param name="Campaign">Campaign id.</param>
/// <param name="Creative">Creative id.</param>
/// <param name="Placement">Placement id.</param>
/// <param name="Hour">Hours since the Unix epoch (UTC) when the event happened.</param>
/// <param name="Kind">What is counted.</param>
/// <param name="Reason">Why, for <see cref="CounterKind.Invalid"/>; <see cref="InvalidReason.None"/> otherwise.</param>
public readonly record struct CounterKey(string Campaign, string Creative, string Placement, long Hour, CounterKind Kind, InvalidReason Reason = InvalidReason.None);
