using System.Runtime.InteropServices;
using CsCheck;
using Suara.Ads.Core.Utilities;

namespace Suara.Ads.Core.Tests.Utilities;

/// <summary>
/// <see cref="ChunkedList{T}"/> held to a plain <see cref="List{T}"/>: random sequences of sets, inserts (at the end
/// too) and removals, checked after every step by index, by enumeration and by copy; the original of every step is
/// checked unchanged (the list is immutable, its chunks shared). Items of 512 bytes make chunks of 16, so that a few
/// hundred items split and merge chunks often; CsCheck prints the failing seed.
/// </summary>
public sealed class ChunkedListTests
{
    [Fact]
    public void MaxChunkLength_AnyItem_StaysFarBelowTheLargeObjectHeap()
    {
        Assert.Equal(1024, ChunkedList<string>.MaxChunkLength);
        Assert.Equal(2048, ChunkedList<int>.MaxChunkLength);
        Assert.Equal(16, ChunkedList<Wide>.MaxChunkLength);
        Assert.True(ChunkedList<Wide>.MaxChunkLength * Marshal.SizeOf<Wide>() < 85_000);
    }

    [Fact]
    public void Edits_RandomSequences_MatchAList()
    {
        Gen.Int[0, int.MaxValue].Sample(
            seed =>
            {
                var r = new Random(seed);
                var model = Enumerable.Range(0, r.Next(0, 200)).Select(i => new Wide(i)).ToList();
                var list = ChunkedList<Wide>.From(model.ToArray().AsSpan());
                var next = model.Count;
                for (var step = 0; step < 150; step++)
                {
                    var before = list;
                    var modelBefore = model.ToArray();

                    // Removals a little less often than inserts at first, more often later: lists grow, then shrink to nothing.
                    var op = r.Next(10);
                    var shrinking = step > 75;
                    if (model.Count > 0 && op < (shrinking ? 6 : 3))
                    {
                        var at = r.Next(model.Count);
                        list = list.RemoveAt(at);
                        model.RemoveAt(at);
                    }
                    else if (model.Count > 0 && op < 8)
                    {
                        var at = r.Next(model.Count);
                        list = list.SetItem(at, new Wide(next));
                        model[at] = new Wide(next++);
                    }
                    else
                    {
                        var at = r.Next(3) == 0 ? model.Count : r.Next(model.Count + 1);
                        list = list.Insert(at, new Wide(next));
                        model.Insert(at, new Wide(next++));
                    }

                    AssertSame(model, list);
                    AssertSame(modelBefore, before);
                    Assert.InRange(list.ChunkCount, (model.Count + 15) / 16, Math.Max(1, model.Count));
                }
            },
            iter: 100);
    }

    [Fact]
    public void RemoveAt_EveryItemFromTheFront_LeavesAnEmptyListOfNoChunks()
    {
        var list = ChunkedList<Wide>.From([.. Enumerable.Range(0, 100).Select(i => new Wide(i))]);
        for (var i = 0; i < 100; i++)
        {
            list = list.RemoveAt(0);
            Assert.Equal(i + 1, list.Count > 0 ? list[0].Value : 100);
        }

        Assert.Empty(list);
        Assert.Equal(0, list.ChunkCount);
        Assert.Equal(7, list.Insert(0, new Wide(7))[0].Value);
    }

    [Fact]
    public void Indexer_OutsideTheList_Throws()
    {
        var list = ChunkedList<string>.From(["a", "b"]);
        Assert.Throws<ArgumentOutOfRangeException>(() => list[2]);
        Assert.Throws<ArgumentOutOfRangeException>(() => list[-1]);
        Assert.Throws<ArgumentOutOfRangeException>(() => list.Insert(3, "c"));
        Assert.Throws<ArgumentOutOfRangeException>(() => list.RemoveAt(2));
        Assert.Throws<ArgumentOutOfRangeException>(() => ChunkedList<string>.Empty.SetItem(0, "a"));
    }

    [Fact]
    public void SetItem_InABigList_SharesEveryOtherChunk()
    {
        var items = Enumerable.Range(0, 100_000).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var list = ChunkedList<string>.From(items.AsSpan());
        Assert.Equal(98, list.ChunkCount);
        Assert.Equal(items, list.ToArray());

        // What a change costs: one chunk of 1,024 references and the spine, never the whole list (0.8 MB).
        var before = GC.GetAllocatedBytesForCurrentThread();
        var changed = list.SetItem(54_321, "x");
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.InRange(allocated, 1, 12_000);
        Assert.Equal("x", changed[54_321]);
        Assert.Equal("54321", list[54_321]);
        Assert.Equal(items.Length, changed.Count);
    }

    [Fact]
    public void NotSharedWith_AfterEdits_IsTheEditedChunksOnly_AndHoldsEveryNewItem()
    {
        var list = ChunkedList<string>.From(Enumerable.Range(0, 10_000).Select(i => $"i{i}").ToArray().AsSpan());
        Assert.Equal(list.ToArray(), list.NotSharedWith(null));
        Assert.Empty(list.NotSharedWith(list));

        // A replaced item and an inserted one, in different chunks: their chunks, nothing else.
        var changed = list.SetItem(2_500, "x").Insert(7_000, "y");
        var notShared = changed.NotSharedWith(list).ToList();
        Assert.Contains("x", notShared);
        Assert.Contains("y", notShared);
        Assert.InRange(notShared.Count, 2, 3 * ChunkedList<string>.MaxChunkLength);
        Assert.DoesNotContain(notShared, item => item is not ("x" or "y") && !list.Contains(item));

        // A list built afresh shares nothing, whatever it holds.
        Assert.Equal(10_000, ChunkedList<string>.From(list.ToArray().AsSpan()).NotSharedWith(list).Count());
    }

    private static void AssertSame(IReadOnlyList<Wide> model, ChunkedList<Wide> list)
    {
        Assert.Equal(model.Count, list.Count);
        for (var i = 0; i < model.Count; i++)
        {
            Assert.Equal(model[i].Value, list[i].Value);
        }

        Assert.Equal(model.Select(w => w.Value), list.Select(w => w.Value));
        Assert.Equal(model.Select(w => w.Value), list.ToArray().Select(w => w.Value));
    }

    /// <summary>An item of 512 bytes: chunks of 16.</summary>
    [StructLayout(LayoutKind.Sequential, Size = 512)]
    private readonly record struct Wide(int Value);
}
