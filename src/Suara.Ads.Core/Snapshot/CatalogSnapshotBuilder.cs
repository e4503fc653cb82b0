using System.Collections.Frozen;
using Suara.Ads.Core.Catalog;
using Suara.Ads.Core.Targeting;
using Suara.Ads.Core.Utilities;

namespace Suara.Ads.Core.Snapshot;

/// <summary>Validates a catalog document and compiles it into a <see cref="CatalogSnapshot"/>.</summary>
public static class CatalogSnapshotBuilder
{
    /// <summary>
    /// How selective each indexable field is assumed to be (number of distinct values in practice): a campaign
    /// is filed under the constraint with the smallest share of its field's values.
    /// </summary>
    private static readonly FrozenDictionary<TargetingField, double> s_fieldCardinality = new Dictionary<TargetingField, double>
    {
        [TargetingField.Country] = 200,
        [TargetingField.Region] = 1000,
        [TargetingField.Section] = 30,
        [TargetingField.Language] = 40,
        [TargetingField.Os] = 8,
        [TargetingField.Browser] = 8,
        [TargetingField.Device] = 3,
    }.ToFrozenDictionary();

    /// <summary>Validates and builds; returns <c>false</c> with every error when the document is invalid.</summary>
    public static bool TryBuild(CatalogDocument document, long version, out CatalogSnapshot? snapshot, out ValidationErrors errors)
    {
        errors = CatalogValidator.ValidateDocument(document, out var rules);
        if (!errors.IsEmpty)
        {
            snapshot = null;
            return false;
        }

        snapshot = Build(document, version, rules);
        return true;
    }

    /// <summary>Builds a snapshot from a document that must be valid.</summary>
    /// <exception cref="ArgumentException">The document is not valid.</exception>
    public static CatalogSnapshot Build(CatalogDocument document, long version)
    {
        if (!TryBuild(document, version, out var snapshot, out var errors))
        {
            throw new ArgumentException($"The catalog is not valid: {errors}", nameof(document));
        }

        return snapshot!;
    }

    private static CatalogSnapshot Build(CatalogDocument document, long version, TargetingRule?[] rules)
    {
        var sites = document.Sites.ToFrozenDictionary(s => s.Id, s => new CompiledSite(s), StringComparer.Ordinal);

        var labels = new Dictionary<string, int>(StringComparer.Ordinal);
        var campaigns = new CompiledCampaign[document.Campaigns.Count];
        var creatives = new List<CompiledCreative>();
        for (var i = 0; i < campaigns.Length; i++)
        {
            var source = document.Campaigns[i];
            var labelIds = source.ExclusionLabels.Distinct(StringComparer.Ordinal)
                .Select(l => labels.TryGetValue(l, out var id) ? id : labels[l] = labels.Count)
                .ToArray();
            var campaign = new CompiledCampaign(i, source, rules[i] ?? TargetingRule.Everyone, labelIds);
            var compiledCreatives = new CompiledCreative[source.Creatives.Count];
            for (var j = 0; j < compiledCreatives.Length; j++)
            {
                compiledCreatives[j] = new CompiledCreative(creatives.Count, campaign, source.Creatives[j]);
                creatives.Add(compiledCreatives[j]);
            }

            campaign.Creatives = compiledCreatives;
            campaigns[i] = campaign;
        }

        // Which campaigns list each placement, in catalog order.
        var byPlacement = new Dictionary<string, List<CompiledCampaign>>(StringComparer.Ordinal);
        foreach (var campaign in campaigns)
        {
            foreach (var placementId in campaign.Source.Placements)
            {
                if (!byPlacement.TryGetValue(placementId, out var list))
                {
                    byPlacement[placementId] = list = [];
                }

                list.Add(campaign);
            }
        }

        var placements = document.Placements.ToFrozenDictionary(
            p => p.Id,
            p => BuildPlacement(p, sites[p.Site], byPlacement.GetValueOrDefault(p.Id) ?? []),
            StringComparer.Ordinal);

        var labelNames = new string[labels.Count];
        foreach (var (name, id) in labels)
        {
            labelNames[id] = name;
        }

        return new CatalogSnapshot(document, version, sites, placements, campaigns, [.. creatives], labelNames);
    }

    private static CompiledPlacement BuildPlacement(Placement placement, CompiledSite site, List<CompiledCampaign> campaigns)
    {
        var all = new PlacementEntry[campaigns.Count];
        var serving = new List<PlacementEntry>[3] { [], [], [] };
        for (var i = 0; i < campaigns.Count; i++)
        {
            var campaign = campaigns[i];
            var fitting = campaign.Creatives.Where(c => CatalogValidator.Fits(c.Source, placement)).ToArray();
            all[i] = new PlacementEntry(campaign, fitting);
            if (campaign.Status == CampaignStatus.Active && fitting.Length > 0 && !ExcludesPlacement(campaign.Rule, placement, site))
            {
                serving[(int)campaign.Tier].Add(all[i]);
            }
        }

        var tiers = new TierIndex[3];
        for (var t = 0; t < tiers.Length; t++)
        {
            tiers[t] = BuildTier(serving[t]);
        }

        return new CompiledPlacement(placement, site, tiers, all);
    }

    /// <summary>
    /// A rule that pins <c>placement</c> or <c>site</c> to other values can never serve here: leave it out of the
    /// serving index (it still shows in explain output).
    /// </summary>
    private static bool ExcludesPlacement(TargetingRule rule, Placement placement, CompiledSite site)
    {
        foreach (var c in rule.IndexableConstraints)
        {
            var value = c.Field switch
            {
                TargetingField.Placement => placement.Id,
                TargetingField.Site => site.Id,
                _ => null,
            };
            if (value is not null && !c.Values.Contains(value, StringComparer.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static TierIndex BuildTier(List<PlacementEntry> entries)
    {
        if (entries.Count == 0)
        {
            return TierIndex.Empty;
        }

        var unkeyed = new List<PlacementEntry>();
        var keyed = new Dictionary<TargetingField, Dictionary<string, List<PlacementEntry>>>();
        var keyedCounts = new Dictionary<TargetingField, int>();
        foreach (var entry in entries)
        {
            IndexableConstraint? best = null;
            var bestShare = double.MaxValue;
            foreach (var c in entry.Campaign.Rule.IndexableConstraints)
            {
                if (s_fieldCardinality.TryGetValue(c.Field, out var cardinality) && c.Values.Count > 0)
                {
                    var share = c.Values.Count / cardinality;
                    if (share < bestShare)
                    {
                        best = c;
                        bestShare = share;
                    }
                }
            }

            // A constraint admitting most of its field's values filters little: keep such entries unkeyed.
            if (best is null || bestShare > 0.5)
            {
                unkeyed.Add(entry);
                continue;
            }

            if (!keyed.TryGetValue(best.Field, out var byValue))
            {
                keyed[best.Field] = byValue = new Dictionary<string, List<PlacementEntry>>(StringComparer.OrdinalIgnoreCase);
                keyedCounts[best.Field] = 0;
            }

            keyedCounts[best.Field]++;
            foreach (var value in best.Values)
            {
                if (!byValue.TryGetValue(value, out var list))
                {
                    byValue[value] = list = [];
                }

                list.Add(entry);
            }
        }

        var fields = keyed
            .OrderBy(k => k.Key)
            .Select(k => new FieldIndex(
                k.Key,
                k.Value.ToFrozenDictionary(v => v.Key, v => new CandidateList([.. v.Value]), StringComparer.OrdinalIgnoreCase),
                keyedCounts[k.Key]))
            .ToArray();
        return new TierIndex(new CandidateList([.. unkeyed]), fields);
    }
}
