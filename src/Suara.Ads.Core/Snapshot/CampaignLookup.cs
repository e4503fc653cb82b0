namespace Suara.Ads.Core.Snapshot;

/// <summary>
/// The campaigns of a snapshot by id, cheap to change one campaign at a time: a base table shared by every snapshot
/// derived from the same full build, and a small table of what changed since (a campaign, or <c>null</c> for one
/// removed), copied on each change. At 100k campaigns, copying the whole table for each change would put some 3 MB on
/// the large-object heap per change; this copies the changes only, and folds them into a new base once they are many.
/// Immutable once built, so safe to read from any thread.
/// </summary>
internal sealed class CampaignLookup
{
    /// <summary>Changes kept beside the base before they are folded into a new one.</summary>
    public const int MaxChanges = 1024;

    private readonly Dictionary<string, CompiledCampaign> _base;
    private readonly Dictionary<string, CompiledCampaign?> _changes;

    private CampaignLookup(Dictionary<string, CompiledCampaign> @base, Dictionary<string, CompiledCampaign?> changes)
    {
        _base = @base;
        _changes = changes;
    }

    /// <summary>A lookup of <paramref name="campaigns"/>.</summary>
    public static CampaignLookup Of(IReadOnlyList<CompiledCampaign> campaigns)
    {
        var table = new Dictionary<string, CompiledCampaign>(campaigns.Count, StringComparer.Ordinal);
        foreach (var campaign in campaigns)
        {
            table[campaign.Id] = campaign;
        }

        return new CampaignLookup(table, new Dictionary<string, CompiledCampaign?>(StringComparer.Ordinal));
    }

    /// <summary>
    /// This lookup with <paramref name="changed"/> put in (a <c>null</c> value removes its id); <paramref name="all"/>
    /// is every campaign of the new snapshot, used when the changes are folded into a new base.
    /// </summary>
    public CampaignLookup With(IReadOnlyDictionary<string, CompiledCampaign?> changed, IReadOnlyList<CompiledCampaign> all)
    {
        if (_changes.Count + changed.Count > MaxChanges)
        {
            return Of(all);
        }

        var changes = new Dictionary<string, CompiledCampaign?>(_changes, StringComparer.Ordinal);
        foreach (var (id, campaign) in changed)
        {
            changes[id] = campaign;
        }

        return new CampaignLookup(_base, changes);
    }

    /// <summary>The campaign with id <paramref name="id"/>.</summary>
    public bool TryGetValue(string id, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out CompiledCampaign campaign)
    {
        if (_changes.Count > 0 && _changes.TryGetValue(id, out var changed))
        {
            campaign = changed;
            return campaign is not null;
        }

        return _base.TryGetValue(id, out campaign);
    }

    /// <inheritdoc cref="TryGetValue(string, out CompiledCampaign)"/>
    public bool TryGetValue(ReadOnlySpan<char> id, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out CompiledCampaign campaign)
    {
        if (_changes.Count > 0 && _changes.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(id, out var changed))
        {
            campaign = changed;
            return campaign is not null;
        }

        return _base.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(id, out campaign);
    }

    /// <summary>The campaign with id <paramref name="id"/>.</summary>
    /// <exception cref="KeyNotFoundException">There is none.</exception>
    public CompiledCampaign this[string id] => TryGetValue(id, out var campaign) ? campaign : throw new KeyNotFoundException(id);
}
