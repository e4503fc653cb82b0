namespace Suara.Ads.Core.Selection;

/// <summary>One candidate considered for a slot, and what became of it.</summary>
/// <param name="CampaignId">The campaign.</param>
/// <param name="CreativeId">The creative chosen, when <see cref="Outcome"/> is <see cref="CandidateOutcome.Selected"/>.</param>
/// <param name="Priority">The campaign's priority tier.</param>
/// <param name="Outcome">What happened.</param>
/// <param name="Detail">Why, in words (the failing targeting clause, the counts behind a cap or pacing).</param>
public sealed record CandidateTrace(string CampaignId, string? CreativeId, string Priority, CandidateOutcome Outcome, string? Detail);

/// <summary>The candidates of one slot.</summary>
/// <param name="SlotId">The slot.</param>
/// <param name="Placement">The placement.</param>
/// <param name="Candidates">Every campaign that lists the placement, in catalog order.</param>
public sealed record SlotExplanation(string SlotId, string Placement, IReadOnlyList<CandidateTrace> Candidates);
