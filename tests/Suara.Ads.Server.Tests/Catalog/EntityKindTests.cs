using Suara.Ads.Core.Catalog;
using Suara.Ads.Core.Snapshot;
using Suara.Ads.Server.Catalog;
using Suara.Ads.Server.Tests.Support;

namespace Suara.Ads.Server.Tests.Catalog;

/// <summary>
/// A change finds the entity it changes in the snapshot's document: by binary search in its campaigns (ordered by id),
/// by a walk in any other list, with the same answers.
/// </summary>
public sealed class EntityKindTests
{
    [Fact]
    public void Find_InASnapshotsCampaigns_AndInAnUnorderedDocument_GivesTheSameAnswers()
    {
        // Ids whose ordinal order is not their numeric order, given out of order.
        var ids = Enumerable.Range(0, 3_000).Select(i => $"c{i * 7919 % 3_001}").ToArray();
        var unordered = TestCatalog.Document([.. ids.Select(id => TestCatalog.Campaign(id))]);
        var snapshot = CatalogSnapshotBuilder.Build(unordered, 1);
        Assert.IsNotType<Campaign[]>(snapshot.Document.Campaigns, exactMatch: false);

        foreach (var id in ids.Take(200).Append(ids[^1]).Append(ids.Min(StringComparer.Ordinal)!).Append(ids.Max(StringComparer.Ordinal)!))
        {
            Assert.Equal(id, EntityKinds.Campaigns.Find(snapshot.Document, id)?.Id);
            Assert.Equal(id, EntityKinds.Campaigns.Find(unordered, id)?.Id);
        }

        foreach (var missing in (string[])["", "c", "c3001", "c99999", "zzz", "C1"])
        {
            Assert.Null(EntityKinds.Campaigns.Find(snapshot.Document, missing));
            Assert.Null(EntityKinds.Campaigns.Find(unordered, missing));
        }

        Assert.Equal(unordered.Sites[0].Id, EntityKinds.Sites.Find(snapshot.Document, unordered.Sites[0].Id)?.Id);
    }
}
