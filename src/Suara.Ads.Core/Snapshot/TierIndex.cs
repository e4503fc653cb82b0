using System.Collections.Frozen;
using Suara.Ads.Core.Targeting;

namespace Suara.Ads.Core.Snapshot;

/// <summary>
/// The candidates of one priority tier in one placement, partitioned so that a decision only looks at
/// campaigns whose targeting can match: each campaign whose rule pins a field to a few values
/// (<c>country in ('MY', 'SG')</c>) is filed under those values of that field; the rest are unkeyed.
/// A request then reads the unkeyed list plus, for each keyed field, the one list of its own value.
/// </summary>
internal sealed class TierIndex
{
    public static readonly TierIndex Empty = new(new CandidateList([]), []);

    public TierIndex(CandidateList unkeyed, FieldIndex[] fields)
    {
        Unkeyed = unkeyed;
        Fields = fields;
        Count = unkeyed.Count;
        foreach (var f in fields)
        {
            Count += f.EntryCount;
        }
    }

    /// <summary>Entries whose rule has no usable constraint.</summary>
    public CandidateList Unkeyed { get; }

    /// <summary>Keyed entries, one table per field.</summary>
    public FieldIndex[] Fields { get; }

    /// <summary>Number of distinct entries in the tier.</summary>
    public int Count { get; }
}

/// <summary>Entries keyed by the value of one targeting field.</summary>
internal sealed class FieldIndex
{
    public FieldIndex(TargetingField field, FrozenDictionary<string, CandidateList> byValue, int entryCount)
    {
        Field = field;
        ByValue = byValue;
        EntryCount = entryCount;
    }

    public TargetingField Field { get; }

    /// <summary>Value (case-insensitive) to the entries filed under it. An entry may be under several values.</summary>
    public FrozenDictionary<string, CandidateList> ByValue { get; }

    /// <summary>Number of distinct entries in this table.</summary>
    public int EntryCount { get; }
}
