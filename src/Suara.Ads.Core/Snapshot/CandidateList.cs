namespace Suara.Ads.Core.Snapshot;

/// <summary>
/// A list of candidates in an index bucket with the running sums of their campaign weights, so that a candidate can
/// be drawn in proportion to its weight by binary search (entry i owns the draws in [sum(i - 1), sum(i))).
/// </summary>
internal sealed class CandidateList
{
    public CandidateList(PlacementEntry[] entries)
    {
        Entries = entries;
        WeightSums = new long[entries.Length];
        long sum = 0;
        for (var i = 0; i < entries.Length; i++)
        {
            sum += entries[i].Campaign.Weight;
            WeightSums[i] = sum;
        }

        TotalWeight = sum;

        // Roadblocks (usually none) with where their weight starts, so a draw can leave one out without a scan.
        var roadblocks = new List<(PlacementEntry, long)>();
        for (var i = 0; i < entries.Length; i++)
        {
            if (entries[i].Campaign.Roadblock)
            {
                roadblocks.Add((entries[i], WeightSums[i] - entries[i].Campaign.Weight));
            }
        }

        Roadblocks = [.. roadblocks];
    }

    /// <summary>The roadblock entries of the list, with the offset where each one's weight starts, in list order.</summary>
    public (PlacementEntry Entry, long Start)[] Roadblocks { get; }

    public PlacementEntry[] Entries { get; }

    public long[] WeightSums { get; }

    public long TotalWeight { get; }

    public int Count => Entries.Length;

    /// <summary>The entry owning draw <paramref name="offset"/>, 0 &lt;= offset &lt; <see cref="TotalWeight"/>.</summary>
    /// <remarks>
    /// The binary search of <see cref="Array.BinarySearch{T}(T[], T)"/>, step for step (the same entry even where sums
    /// repeat), written out: the generic search's comparer calls cost a replayed forecast several per cent.
    /// </remarks>
    public PlacementEntry At(long offset)
    {
        var sums = WeightSums;
        var lo = 0;
        var hi = sums.Length - 1;
        while (lo <= hi)
        {
            var i = lo + ((hi - lo) >> 1);
            var sum = sums[i];
            if (sum == offset)
            {
                return Entries[i + 1];
            }

            if (sum < offset)
            {
                lo = i + 1;
            }
            else
            {
                hi = i - 1;
            }
        }

        return Entries[lo];
    }
}
