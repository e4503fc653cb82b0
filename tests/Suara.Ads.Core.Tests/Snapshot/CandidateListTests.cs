using Suara.Ads.Core.Snapshot;
using static Suara.Ads.Core.Tests.Support.TestCatalog;

namespace Suara.Ads.Core.Tests.Snapshot;

/// <summary>The weighted draw's lookup: the entry owning each offset, as the framework's binary search finds it.</summary>
public sealed class CandidateListTests
{
    [Fact]
    public void At_EveryOffsetAtAndAroundEachSum_IsTheEntryArrayBinarySearchFinds()
    {
        var random = new Random(5);
        var campaigns = Enumerable.Range(0, 300).Select(i => Campaign($"c{i}") with
        {
            Weight = i % 7 == 0 ? 1 : 1 + random.Next(1_000),
            Targeting = i % 3 == 0 ? "country == 'MY'" : null,
        }).ToArray();
        var snapshot = CatalogSnapshotBuilder.Build(Document(campaigns), 1);
        var lists = snapshot.Placements.Values.SelectMany(p => p.Tiers)
            .SelectMany(t => t.Fields.SelectMany(f => f.ByValue.Values).Append(t.Unkeyed))
            .Where(l => l.Count > 0)
            .ToArray();

        var checkedOffsets = 0;
        foreach (var list in lists)
        {
            foreach (var sum in list.WeightSums.Prepend(0))
            {
                foreach (var offset in new[] { sum - 1, sum, sum + 1 })
                {
                    if (offset < 0 || offset >= list.TotalWeight)
                    {
                        continue;
                    }

                    var i = Array.BinarySearch(list.WeightSums, offset);
                    Assert.Same(list.Entries[i < 0 ? ~i : i + 1], list.At(offset));
                    checkedOffsets++;
                }
            }
        }

        Assert.True(checkedOffsets > 500, $"{checkedOffsets} offsets checked");
    }
}
