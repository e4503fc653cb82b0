using Suara.Ads.Core.Snapshot;

namespace Suara.Ads.Core.Selection;

/// <summary>What is already on the page: creatives, campaigns (for caps) and exclusion labels. Stack memory.</summary>
internal ref struct PageState(Span<int> creatives, Span<int> campaigns, Span<int> labels)
{
    private readonly Span<int> _creatives = creatives;
    private readonly Span<int> _campaigns = campaigns;
    private Span<int> _labels = labels;
    private int _count;
    private int _labelCount;

    public readonly bool HasCreative(int index) => _creatives[.._count].Contains(index);

    public readonly int CountCampaign(int index) => _count == 0 ? 0 : _campaigns[.._count].Count(index);

    /// <summary>Whether a campaign other than <paramref name="campaign"/> on the page carries <paramref name="label"/>.</summary>
    public readonly bool HasLabelOfOtherCampaign(int label, int campaign)
    {
        // Labels are stored as (label, campaign) pairs.
        for (var i = 0; i < _labelCount; i += 2)
        {
            if (_labels[i] == label && _labels[i + 1] != campaign)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// What an earlier request of the page view showed: its campaign's exclusion labels, and its creative when known
    /// (no campaign entry: frequency caps count the viewer's history, where that impression already is).
    /// </summary>
    public void AddShown(CompiledCampaign campaign, CompiledCreative? creative)
    {
        _creatives[_count] = creative?.Index ?? -1;
        _campaigns[_count] = -1;
        _count++;
        AddLabels(campaign);
    }

    public void Add(CompiledCreative creative)
    {
        _creatives[_count] = creative.Index;
        _campaigns[_count] = creative.Campaign.Index;
        _count++;
        AddLabels(creative.Campaign);
    }

    private void AddLabels(CompiledCampaign campaign)
    {
        foreach (var label in campaign.LabelIds)
        {
            if (_labelCount + 2 > _labels.Length)
            {
                var grown = new int[_labels.Length * 2];
                _labels.CopyTo(grown);
                _labels = grown;
            }

            _labels[_labelCount++] = label;
            _labels[_labelCount++] = campaign.Index;
        }
    }
}
