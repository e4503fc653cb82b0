using CsCheck;
using Suara.Ads.Core.Snapshot;
using Suara.Ads.Core.Targeting;
using Suara.Ads.Core.Tests.Support;

namespace Suara.Ads.Core.Tests.Snapshot;

/// <summary>
/// <see cref="CampaignLookup"/> (shards by hash, a change copies only its shards) held to a plain dictionary: random
/// chains of changes (campaigns put, replaced and removed, catalogs growing from a few to thousands so that the lookup
/// re-shards), every id ever used looked up by string and by span after each change, and the lookup each change was
/// made from checked unchanged. CsCheck prints the failing seed.
/// </summary>
public sealed class CampaignLookupTests
{
    [Fact]
    public void With_RandomChainsOfChanges_FindsWhatADictionaryFinds()
    {
        Gen.Int[0, int.MaxValue].Sample(
            seed =>
            {
                var r = new Random(seed);
                var model = new Dictionary<string, CompiledCampaign>(StringComparer.Ordinal);
                foreach (var id in Enumerable.Range(0, r.Next(0, 3_000)).Select(i => $"c{i}"))
                {
                    model[id] = Compiled(id);
                }

                var lookup = CampaignLookup.Of([.. model.Values]);
                var ids = model.Keys.ToList();
                var next = ids.Count;
                for (var step = 0; step < 12; step++)
                {
                    var before = lookup;
                    var modelBefore = new Dictionary<string, CompiledCampaign>(model, StringComparer.Ordinal);

                    // A few changes, or (now and then) a thousand new campaigns at once: the catalog grows past its shards.
                    var changed = new Dictionary<string, CompiledCampaign?>(StringComparer.Ordinal);
                    for (var n = r.Next(8) == 0 ? 1_500 : r.Next(1, 6); n > 0; n--)
                    {
                        var id = ids.Count > 0 && r.Next(3) > 0 ? ids[r.Next(ids.Count)] : $"c{next++}";
                        changed[id] = r.Next(3) == 0 ? null : Compiled(id);
                    }

                    foreach (var (id, campaign) in changed)
                    {
                        if (campaign is null)
                        {
                            model.Remove(id);
                        }
                        else
                        {
                            model[id] = campaign;
                            ids.Add(id);
                        }
                    }

                    lookup = lookup.With(changed, [.. model.Values]);
                    AssertSame(model, ids, lookup);
                    AssertSame(modelBefore, ids, before);
                }
            },
            iter: 40);
    }

    [Fact]
    public void With_OneChangeIn100k_CopiesOneShard()
    {
        var campaigns = Enumerable.Range(0, 100_000).Select(i => Compiled($"campaign-{i}")).ToArray();
        var lookup = CampaignLookup.Of(campaigns);
        Assert.Equal(256, lookup.ShardCount);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var changed = lookup.With(new Dictionary<string, CompiledCampaign?> { ["campaign-5"] = Compiled("campaign-5") }, campaigns);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // One shard of ~390 campaigns (~15 KB) and the spine; one table of 100k would be some 3 MB.
        Assert.InRange(allocated, 1, 60_000);
        Assert.Equal(100_000, changed.Count);
        Assert.NotSame(lookup["campaign-5"], changed["campaign-5"]);
        Assert.Same(lookup["campaign-6"], changed["campaign-6"]);
    }

    private static CompiledCampaign Compiled(string id) => new(0, TestCatalog.Campaign(id), TargetingRule.Everyone, []);

    private static void AssertSame(Dictionary<string, CompiledCampaign> model, List<string> ids, CampaignLookup lookup)
    {
        Assert.Equal(model.Count, lookup.Count);
        foreach (var id in ids.Append("missing"))
        {
            var expected = model.GetValueOrDefault(id);
            Assert.Equal(expected is not null, lookup.TryGetValue(id, out var found));
            Assert.Same(expected, found);
            Assert.Equal(expected is not null, lookup.TryGetValue(id.AsSpan(), out var foundBySpan));
            Assert.Same(expected, foundBySpan);
        }
    }
}
