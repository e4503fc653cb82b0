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
        CompileRulesInParallel(document);
        errors = CatalogValidator.ValidateDocument(document, out var rules);
        if (!errors.IsEmpty)
        {
            snapshot = null;
            return false;
        }

        snapshot = Build(document, version, rules);
        return true;
    }

    /// <summary>Catalogs from this many campaigns on have their targeting rules compiled, and their placements indexed, on every core.</summary>
    public const int ParallelCompileFrom = 2_000;

    /// <summary>
    /// Compiling the rules is most of the work of validating a big catalog (some 60k distinct rules at 100k
    /// campaigns): compile the distinct ones on every core into <see cref="TargetingRuleCache"/>, which validation then
    /// reads. Errors are left for validation to report, in order.
    /// </summary>
    private static void CompileRulesInParallel(CatalogDocument document)
    {
        if (document.Campaigns is not { Count: >= ParallelCompileFrom } campaigns || Environment.ProcessorCount < 2)
        {
            return;
        }

        Parallel.ForEach(campaigns, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, Precompile);
    }

    /// <summary>
    /// Compiles <paramref name="campaign"/>'s targeting rule ahead of validation, into the cache validation reads (a
    /// loader calls it as campaigns arrive, so that compiling overlaps reading). A rule that does not compile is left
    /// for validation to report.
    /// </summary>
    public static void Precompile(Campaign campaign)
    {
        if (campaign?.Targeting is { Length: > 0 } targeting && !string.IsNullOrWhiteSpace(targeting))
        {
            TargetingRuleCache.Compile(targeting);
        }
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
        // Campaigns in id order, the order a catalog read from Redis has: a snapshot changed incrementally then draws
        // exactly as one built whole from the same catalog (candidate lists keep catalog order).
        var order = new int[document.Campaigns.Count];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        if (!IsSorted(document.Campaigns, c => c.Id))
        {
            Array.Sort(order, (a, b) => string.CompareOrdinal(document.Campaigns[a].Id, document.Campaigns[b].Id));
        }

        document = Sorted(document, order);
        var sites = document.Sites.ToFrozenDictionary(s => s.Id, s => new CompiledSite(s), StringComparer.Ordinal);

        var labels = new Dictionary<string, int>(StringComparer.Ordinal);
        var labelNames = new List<string>();
        var campaigns = new CompiledCampaign[document.Campaigns.Count];
        var creativeIndex = 0;
        for (var i = 0; i < campaigns.Length; i++)
        {
            campaigns[i] = Compile(i, ref creativeIndex, document.Campaigns[i], rules[order[i]] ?? TargetingRule.Everyone, labels, labelNames);
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

        // Each placement's index is built on its own (they share nothing but what they read): on every core for a big catalog.
        var built = new CompiledPlacement[document.Placements.Count];
        void Place(int i)
        {
            var p = document.Placements[i];
            var listed = byPlacement.GetValueOrDefault(p.Id);
            var entries = new PlacementEntry[listed?.Count ?? 0];
            for (var j = 0; j < entries.Length; j++)
            {
                entries[j] = Entry(listed![j], p);
            }

            built[i] = BuildPlacement(p, sites[p.Site], entries);
        }

        if (campaigns.Length >= ParallelCompileFrom && Environment.ProcessorCount > 1)
        {
            Parallel.For(0, built.Length, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, Place);
        }
        else
        {
            for (var i = 0; i < built.Length; i++)
            {
                Place(i);
            }
        }

        var placements = built.ToFrozenDictionary(p => p.Source.Id, StringComparer.Ordinal);

        return new CatalogSnapshot(document, version, sites, placements, ChunkedList<CompiledCampaign>.From(campaigns.AsSpan()), CampaignLookup.Of(campaigns), labels, [.. labelNames], campaigns.Length, creativeIndex);
    }

    /// <summary>
    /// Applies <paramref name="delta"/> to <paramref name="previous"/>: validates only what changed (and what refers to
    /// it: campaigns of a removed advertiser), compiles only the changed campaigns and re-indexes only the placements
    /// they are or were in; everything else (compiled campaigns, their rules, the other placements, the sites) is
    /// shared with <paramref name="previous"/>. A change to sites or placements, which every campaign in them depends
    /// on, validates and builds the whole catalog. The result decides exactly as <see cref="TryBuild"/> of the same
    /// catalog would; errors name fields as whole-catalog validation does (<c>campaigns[3].advertiserId</c>).
    /// </summary>
    public static bool TryApply(CatalogSnapshot previous, CatalogDelta delta, long version, out CatalogSnapshot? snapshot, out ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(delta);
        var document = Apply(previous.Document, delta);
        if (delta.Sites.Count > 0 || delta.RemovedSites.Count > 0 || delta.Placements.Count > 0 || delta.RemovedPlacements.Count > 0)
        {
            return TryBuild(document, version, out snapshot, out errors);
        }

        errors = new ValidationErrors();
        foreach (var advertiser in delta.Advertisers)
        {
            CatalogValidator.ValidateAdvertiser(advertiser, $"advertisers[{IndexOf(document.Advertisers, advertiser.Id, a => a.Id)}].", errors);
        }

        bool AdvertiserExists(string id) => IndexOf(document.Advertisers, id, a => a.Id) >= 0;
        if (delta.RemovedAdvertisers.Count > 0)
        {
            // What whole-catalog validation reports: every campaign left with an unknown advertiser.
            var removed = delta.RemovedAdvertisers.Where(id => !AdvertiserExists(id)).ToHashSet(StringComparer.Ordinal);
            for (var i = 0; i < document.Campaigns.Count; i++)
            {
                if (removed.Contains(document.Campaigns[i].AdvertiserId))
                {
                    errors.Add($"campaigns[{i}].advertiserId", $"unknown advertiser '{document.Campaigns[i].AdvertiserId}'");
                }
            }
        }

        var changed = new Dictionary<string, TargetingRule>(StringComparer.Ordinal);
        foreach (var campaign in delta.Campaigns)
        {
            var rule = CatalogValidator.ValidateCampaign(
                campaign,
                $"campaigns[{IndexOf(document.Campaigns, campaign.Id, c => c.Id)}].",
                errors,
                AdvertiserExists,
                id => previous.Placements.TryGetValue(id, out var p) ? p.Source : null);
            changed[campaign.Id] = rule ?? TargetingRule.Everyone;
        }

        if (!errors.IsEmpty)
        {
            snapshot = null;
            return false;
        }

        foreach (var id in delta.RemovedCampaigns)
        {
            changed.TryAdd(id, TargetingRule.Everyone);
        }

        snapshot = changed.Count == 0
            ? new CatalogSnapshot(document, version, previous.Sites, previous.Placements, previous.Campaigns, previous.CampaignsById, previous.LabelIds, previous.Labels, previous.NextCampaignIndex, previous.NextCreativeIndex, previous.CappedCampaigns)
            : ApplyCampaigns(previous, document, version, changed);
        return true;
    }

    /// <summary>The document (ordered by id) with <paramref name="delta"/> applied, still ordered by id.</summary>
    public static CatalogDocument Apply(CatalogDocument document, CatalogDelta delta)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(delta);
        return new CatalogDocument
        {
            Sites = Merge(document.Sites, delta.Sites, delta.RemovedSites, s => s.Id),
            Placements = Merge(document.Placements, delta.Placements, delta.RemovedPlacements, p => p.Id),
            Advertisers = Merge(document.Advertisers, delta.Advertisers, delta.RemovedAdvertisers, a => a.Id),
            Campaigns = Merge(document.Campaigns, delta.Campaigns, delta.RemovedCampaigns, c => c.Id),
        };
    }

    private static CatalogSnapshot ApplyCampaigns(CatalogSnapshot previous, CatalogDocument document, long version, Dictionary<string, TargetingRule> changed)
    {
        var labels = previous.LabelIds;
        var labelNames = previous.Labels;
        var campaignIndex = previous.NextCampaignIndex;
        var creativeIndex = previous.NextCreativeIndex;
        var compiled = new Dictionary<string, CompiledCampaign>(StringComparer.Ordinal);
        var byId = new Dictionary<string, CompiledCampaign?>(StringComparer.Ordinal);
        var affected = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (id, _) in changed)
        {
            byId[id] = null;
            if (previous.CampaignsById.TryGetValue(id, out var old))
            {
                affected.UnionWith(old.Source.Placements);
            }
        }

        // The changed campaigns, compiled in id order; every other compiled campaign is shared, and the arrays are
        // spliced by position (binary searches and block copies), never walked campaign by campaign: at 100k
        // campaigns each walk is some 100k cache misses.
        List<string>? newLabels = null;
        var cappedCampaigns = previous.CappedCampaigns;
        foreach (var (id, _) in changed)
        {
            if (previous.CampaignsById.TryGetValue(id, out var old) && old.CapImpressions > 0)
            {
                cappedCampaigns--;
            }
        }

        var sources = changed.Keys.Select(id => IndexOf(document.Campaigns, id, c => c.Id)).Where(i => i >= 0).Order().Select(i => document.Campaigns[i]).ToArray();
        var added = new CompiledCampaign[sources.Length];
        for (var i = 0; i < sources.Length; i++)
        {
            var source = sources[i];
            if (newLabels is null && source.ExclusionLabels.Any(l => !labels.ContainsKey(l)))
            {
                labels = new Dictionary<string, int>(labels, StringComparer.Ordinal);
                newLabels = [.. labelNames];
            }

            var campaign = Compile(campaignIndex++, ref creativeIndex, source, changed[source.Id], labels, newLabels ?? []);
            added[i] = campaign;
            compiled[source.Id] = campaign;
            byId[source.Id] = campaign;
            affected.UnionWith(source.Placements);
            cappedCampaigns += campaign.CapImpressions > 0 ? 1 : 0;
        }

        var campaigns = Splice(previous.Campaigns, c => c.Id, changed.Keys, added);

        var placements = new Dictionary<string, CompiledPlacement>(previous.Placements, StringComparer.Ordinal);
        foreach (var placementId in affected)
        {
            if (!previous.Placements.TryGetValue(placementId, out var placement))
            {
                continue;
            }

            // The placement's entries in catalog order: the unchanged ones as they were, the changed ones anew; in
            // each tier only the candidate lists the changed campaigns were or are filed in are made anew.
            var entries = added.Where(c => c.Source.Placements.Contains(placementId)).Select(c => Entry(c, placement.Source)).ToList();
            var removedEntries = changed.Keys.Select(id => IndexOf(placement.All, id, e => e.Campaign.Id)).Where(i => i >= 0).Select(i => placement.All[i]).ToArray();
            var all = Splice(placement.All, e => e.Campaign.Id, changed.Keys, entries);
            var roadblocks = Splice(placement.Roadblocks, e => e.Campaign.Id, changed.Keys, [.. entries.Where(e => e.Campaign.Roadblock)]);
            var tiers = new TierIndex[placement.Tiers.Length];
            for (var t = 0; t < tiers.Length; t++)
            {
                tiers[t] = UpdateTier(
                    placement.Tiers[t],
                    [.. removedEntries.Where(e => (int)e.Campaign.Tier == t && Serves(e, placement.Source, placement.Site))],
                    [.. entries.Where(e => (int)e.Campaign.Tier == t && Serves(e, placement.Source, placement.Site))]);
            }

            placements[placementId] = new CompiledPlacement(placement.Source, placement.Site, tiers, all, roadblocks);
        }

        return new CatalogSnapshot(
            document,
            version,
            previous.Sites,
            placements.ToFrozenDictionary(StringComparer.Ordinal),
            campaigns,
            previous.CampaignsById.With(byId, campaigns),
            labels,
            newLabels is null ? labelNames : [.. newLabels],
            campaignIndex,
            creativeIndex,
            cappedCampaigns);
    }

    private static CompiledCampaign Compile(int index, ref int creativeIndex, Campaign source, TargetingRule rule, Dictionary<string, int> labels, List<string> labelNames)
    {
        // The campaign's distinct labels as numbers, in first-seen order (a label new to the catalog takes the next number).
        var labelIds = source.ExclusionLabels.Count == 0 ? [] : new int[source.ExclusionLabels.Count];
        var distinct = 0;
        foreach (var label in source.ExclusionLabels)
        {
            if (!labels.TryGetValue(label, out var id))
            {
                labels[label] = id = labels.Count;
                labelNames.Add(label);
            }

            if (Array.IndexOf(labelIds, id, 0, distinct) < 0)
            {
                labelIds[distinct++] = id;
            }
        }

        if (distinct < labelIds.Length)
        {
            Array.Resize(ref labelIds, distinct);
        }

        var campaign = new CompiledCampaign(index, source, rule, labelIds);
        var compiledCreatives = new CompiledCreative[source.Creatives.Count];
        for (var j = 0; j < compiledCreatives.Length; j++)
        {
            compiledCreatives[j] = new CompiledCreative(creativeIndex++, campaign, source.Creatives[j]);
        }

        campaign.Creatives = compiledCreatives;
        return campaign;
    }

    private static PlacementEntry Entry(CompiledCampaign campaign, Placement placement)
    {
        // Most campaigns' creatives all fit each of their placements: then the campaign's own array is the entry's.
        var creatives = campaign.Creatives;
        var fitting = 0;
        foreach (var creative in creatives)
        {
            fitting += CatalogValidator.Fits(creative.Source, placement) ? 1 : 0;
        }

        if (fitting == creatives.Length)
        {
            return new(campaign, creatives);
        }

        var fits = new CompiledCreative[fitting];
        var n = 0;
        foreach (var creative in creatives)
        {
            if (CatalogValidator.Fits(creative.Source, placement))
            {
                fits[n++] = creative;
            }
        }

        return new(campaign, fits);
    }

    /// <summary>
    /// <paramref name="items"/> (ordered by id) with <paramref name="upserts"/> put in and <paramref name="removed"/>
    /// taken out, still ordered (the last upsert of an id wins, and an upsert wins over a removal of its id). A
    /// <see cref="ChunkedList{T}"/> stays one, sharing the chunks the changes do not touch.
    /// </summary>
    private static IReadOnlyList<T> Merge<T>(IReadOnlyList<T> items, IReadOnlyList<T> upserts, IReadOnlyList<string> removed, Func<T, string> idOf)
    {
        if (upserts.Count == 0 && removed.Count == 0)
        {
            return items;
        }

        // An upsert is its id's removal (when it is there) and the item's insertion.
        var put = new SortedDictionary<string, T>(StringComparer.Ordinal);
        foreach (var item in upserts)
        {
            put[idOf(item)] = item;
        }

        var taken = new HashSet<string>(removed, StringComparer.Ordinal);
        taken.UnionWith(put.Keys);
        var added = put.Values.ToArray();
        return items is ChunkedList<T> chunked ? Splice(chunked, idOf, taken, added) : Splice(items as T[] ?? [.. items], idOf, taken, added);
    }

    /// <summary>Binary search by id in a list ordered by id: the index, or the complement of where it would go.</summary>
    internal static int IndexOf<T>(IReadOnlyList<T> items, string id, Func<T, string> idOf)
    {
        int low = 0, high = items.Count - 1;
        while (low <= high)
        {
            var mid = low + ((high - low) / 2);
            var c = string.CompareOrdinal(idOf(items[mid]), id);
            if (c == 0)
            {
                return mid;
            }

            if (c < 0)
            {
                low = mid + 1;
            }
            else
            {
                high = mid - 1;
            }
        }

        return ~low;
    }

    private static bool IsSorted<T>(IReadOnlyList<T> items, Func<T, string> idOf)
    {
        for (var i = 1; i < items.Count; i++)
        {
            if (string.CompareOrdinal(idOf(items[i - 1]), idOf(items[i])) >= 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The document with every collection ordered by id (campaigns in <paramref name="campaignOrder"/>).</summary>
    private static CatalogDocument Sorted(CatalogDocument document, int[] campaignOrder)
    {
        static IReadOnlyList<T> ById<T>(IReadOnlyList<T> items, Func<T, string> idOf) =>
            IsSorted(items, idOf) ? items : [.. items.OrderBy(idOf, StringComparer.Ordinal)];

        var campaigns = document.Campaigns;
        if (!IsSorted(campaigns, c => c.Id))
        {
            var ordered = new Campaign[campaigns.Count];
            for (var i = 0; i < ordered.Length; i++)
            {
                ordered[i] = campaigns[campaignOrder[i]];
            }

            campaigns = ordered;
        }

        // The campaigns in chunks, so that a change copies one chunk of them, not the whole list (ChunkedList).
        return new CatalogDocument
        {
            Sites = ById(document.Sites, s => s.Id),
            Placements = ById(document.Placements, p => p.Id),
            Advertisers = ById(document.Advertisers, a => a.Id),
            Campaigns = ChunkedList<Campaign>.From(campaigns),
        };
    }

    private static CompiledPlacement BuildPlacement(Placement placement, CompiledSite site, PlacementEntry[] all)
    {
        var serving = new List<PlacementEntry>[3] { [], [], [] };
        foreach (var entry in all)
        {
            if (Serves(entry, placement, site))
            {
                serving[(int)entry.Campaign.Tier].Add(entry);
            }
        }

        var tiers = new TierIndex[3];
        for (var t = 0; t < tiers.Length; t++)
        {
            tiers[t] = BuildTier(serving[t]);
        }

        return new CompiledPlacement(placement, site, tiers, ChunkedList<PlacementEntry>.From(all.AsSpan()));
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

    /// <summary>
    /// The constraint an entry is filed under in its tier's index: the one with the smallest share of its field's
    /// values; <c>null</c> (unkeyed) when there is none, or when even the best admits most of its field's values.
    /// </summary>
    private static IndexableConstraint? Filing(PlacementEntry entry)
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
        return best is null || bestShare > 0.5 ? null : best;
    }

    private static bool Serves(PlacementEntry entry, Placement placement, CompiledSite site) =>
        entry.Campaign.Status == CampaignStatus.Active && entry.Fitting.Length > 0 && !ExcludesPlacement(entry.Campaign.Rule, placement, site);

    /// <summary>
    /// <paramref name="tier"/> with <paramref name="removedEntries"/> taken out and
    /// <paramref name="added"/> (ordered by campaign id) put in: only the candidate lists they are filed in are made
    /// anew; every other list is shared. The result is what <see cref="BuildTier"/> makes of the same entries.
    /// </summary>
    private static TierIndex UpdateTier(TierIndex tier, IReadOnlyCollection<PlacementEntry> removedEntries, List<PlacementEntry> added)
    {
        if (removedEntries.Count == 0 && added.Count == 0)
        {
            return tier;
        }

        var removed = removedEntries.Select(e => e.Campaign.Id).ToHashSet(StringComparer.Ordinal);
        var addedUnkeyed = new List<PlacementEntry>();
        var addedKeyed = new Dictionary<TargetingField, Dictionary<string, List<PlacementEntry>>>();
        var countDelta = new Dictionary<TargetingField, int>();
        var touchedUnkeyed = false;
        foreach (var entry in removedEntries)
        {
            if (Filing(entry) is { } c)
            {
                countDelta[c.Field] = countDelta.GetValueOrDefault(c.Field) - 1;
                foreach (var value in c.Values)
                {
                    Bucket(addedKeyed, c.Field, value);
                }
            }
            else
            {
                touchedUnkeyed = true;
            }
        }

        foreach (var entry in added)
        {
            if (Filing(entry) is { } c)
            {
                countDelta[c.Field] = countDelta.GetValueOrDefault(c.Field) + 1;
                foreach (var value in c.Values)
                {
                    Bucket(addedKeyed, c.Field, value).Add(entry);
                }
            }
            else
            {
                touchedUnkeyed = true;
                addedUnkeyed.Add(entry);
            }
        }

        var unkeyed = touchedUnkeyed ? new CandidateList(Replace(tier.Unkeyed.Entries, removed, addedUnkeyed)) : tier.Unkeyed;
        var fields = new List<FieldIndex>();
        foreach (var field in tier.Fields.Select(f => f.Field).Union(addedKeyed.Keys).Order())
        {
            var old = Array.Find(tier.Fields, f => f.Field == field);
            var count = (old?.EntryCount ?? 0) + countDelta.GetValueOrDefault(field);
            if (count <= 0)
            {
                continue;
            }

            if (!addedKeyed.TryGetValue(field, out var touched))
            {
                fields.Add(old!);
                continue;
            }

            var byValue = new Dictionary<string, CandidateList>(StringComparer.OrdinalIgnoreCase);
            if (old is not null)
            {
                foreach (var (value, list) in old.ByValue)
                {
                    byValue[value] = list;
                }
            }

            foreach (var (value, entries) in touched)
            {
                var current = byValue.TryGetValue(value, out var list) ? list.Entries : [];
                var next = Replace(current, removed, entries);
                if (next.Length == 0)
                {
                    byValue.Remove(value);
                }
                else
                {
                    byValue[value] = new CandidateList(next);
                }
            }

            fields.Add(new FieldIndex(field, byValue.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase), count));
        }

        return new TierIndex(unkeyed, [.. fields]);

        static List<PlacementEntry> Bucket(Dictionary<TargetingField, Dictionary<string, List<PlacementEntry>>> keyed, TargetingField field, string value)
        {
            if (!keyed.TryGetValue(field, out var byValue))
            {
                keyed[field] = byValue = new Dictionary<string, List<PlacementEntry>>(StringComparer.OrdinalIgnoreCase);
            }

            if (!byValue.TryGetValue(value, out var list))
            {
                byValue[value] = list = [];
            }

            return list;
        }
    }

    /// <summary><paramref name="entries"/> (by campaign id) without the campaigns in <paramref name="removed"/>, with <paramref name="added"/> (by campaign id) merged in.</summary>
    private static PlacementEntry[] Replace(PlacementEntry[] entries, HashSet<string> removed, List<PlacementEntry> added) =>
        Splice(entries, e => e.Campaign.Id, removed, added);

    /// <summary>
    /// <paramref name="items"/> (ordered by id) without the items whose ids are in <paramref name="removed"/> and with
    /// <paramref name="added"/> (ordered by id, none of them among the items kept) merged in: positions found by binary
    /// search, the rest moved in blocks.
    /// </summary>
    private static T[] Splice<T>(T[] items, Func<T, string> idOf, IEnumerable<string> removed, IReadOnlyList<T> added)
    {
        var cuts = Cuts(items, idOf, removed, added);
        if (cuts.Count == 0)
        {
            return items;
        }

        var result = new T[items.Length + added.Count - cuts.Count(c => c.Remove)];
        int from = 0, to = 0;
        foreach (var (at, remove, _, item) in cuts)
        {
            Array.Copy(items, from, result, to, at - from);
            to += at - from;
            from = at;
            if (remove)
            {
                from++;
            }
            else
            {
                result[to++] = item;
            }
        }

        Array.Copy(items, from, result, to, items.Length - from);
        return result;
    }

    /// <inheritdoc cref="Splice{T}(T[], Func{T, string}, IEnumerable{string}, IReadOnlyList{T})"/>
    /// <remarks>
    /// Only the chunks holding a cut are copied (<see cref="ChunkedList{T}"/>): a campaign replaced in a list of 100k
    /// costs one chunk and the spine, some 10 KB, instead of the whole list.
    /// </remarks>
    private static ChunkedList<T> Splice<T>(ChunkedList<T> items, Func<T, string> idOf, IEnumerable<string> removed, IReadOnlyList<T> added)
    {
        var cuts = Cuts(items, idOf, removed, added);

        // Last cut first, so that the positions of the cuts still to make do not move: at one position that is the
        // removal, then the insertions from the last to the first (each goes before the one inserted after it).
        var result = items;
        for (var c = cuts.Count - 1; c >= 0; c--)
        {
            var (at, remove, _, item) = cuts[c];
            if (remove && c > 0 && cuts[c - 1] is { Remove: false } replacement && replacement.At == at)
            {
                // An item replaced in place (a campaign changed): one copy of its chunk, not two.
                result = result.SetItem(at, replacement.Item);
                c--;
            }
            else
            {
                result = remove ? result.RemoveAt(at) : result.Insert(at, item);
            }
        }

        return result;
    }

    /// <summary>
    /// The cuts that make <paramref name="items"/> (ordered by id) into the list <see cref="Splice{T}(T[], Func{T, string}, IEnumerable{string}, IReadOnlyList{T})"/>
    /// returns, in order of position: each removal of an item in <paramref name="removed"/> at its index, each
    /// insertion of an item of <paramref name="added"/> at the index it goes before; at one position the insertions
    /// (in their order) come before the removal of the item there.
    /// </summary>
    private static List<(int At, bool Remove, int Order, T Item)> Cuts<T>(IReadOnlyList<T> items, Func<T, string> idOf, IEnumerable<string> removed, IReadOnlyList<T> added)
    {
        var cuts = new List<(int At, bool Remove, int Order, T Item)>();
        foreach (var id in removed)
        {
            var at = IndexOf(items, id, idOf);
            if (at >= 0)
            {
                cuts.Add((at, true, 0, default!));
            }
        }

        for (var i = 0; i < added.Count; i++)
        {
            var at = IndexOf(items, idOf(added[i]), idOf);
            cuts.Add((at >= 0 ? at : ~at, false, i, added[i]));
        }

        cuts.Sort((a, b) => a.At != b.At ? a.At.CompareTo(b.At) : a.Remove != b.Remove ? a.Remove.CompareTo(b.Remove) : a.Order.CompareTo(b.Order));
        return cuts;
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
            var best = Filing(entry);
            if (best is null)
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
