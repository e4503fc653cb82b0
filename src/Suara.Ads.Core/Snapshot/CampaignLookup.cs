using System.Numerics;

namespace Suara.Ads.Core.Snapshot;

/// <summary>
/// The campaigns of a snapshot by id, cheap to change one campaign at a time: the ids are spread by hash over shards
/// of about <see cref="ShardSize"/> campaigns each, and a change copies only the shards of the ids it changes, sharing
/// every other shard with the lookup it was derived from. Every shard stays far below the large-object heap (85,000
/// bytes): at 100k campaigns one table would take some 3 MB of it, and copying or rebuilding that on changes drove
/// generation-2 collections (issue 13, goal 3). Immutable once built, so safe to read from any thread.
/// </summary>
internal sealed class CampaignLookup
{
    /// <summary>The campaigns a shard is made for; a shard that grows past four times as many makes the lookup build anew.</summary>
    public const int ShardSize = 512;

    private readonly Dictionary<string, CompiledCampaign>[] _shards;

    private CampaignLookup(Dictionary<string, CompiledCampaign>[] shards) => _shards = shards;

    /// <summary>Number of campaigns.</summary>
    public int Count { get; private init; }

    /// <summary>Number of shards (a power of two).</summary>
    internal int ShardCount => _shards.Length;

    /// <summary>A lookup of <paramref name="campaigns"/>.</summary>
    public static CampaignLookup Of(IReadOnlyList<CompiledCampaign> campaigns)
    {
        var shards = new Dictionary<string, CompiledCampaign>[(int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, campaigns.Count / ShardSize))];
        for (var s = 0; s < shards.Length; s++)
        {
            shards[s] = new Dictionary<string, CompiledCampaign>((campaigns.Count / shards.Length) + 16, StringComparer.Ordinal);
        }

        foreach (var campaign in campaigns)
        {
            shards[ShardOf(campaign.Id, shards.Length)][campaign.Id] = campaign;
        }

        return new CampaignLookup(shards) { Count = campaigns.Count };
    }

    /// <summary>
    /// This lookup with <paramref name="changed"/> put in (a <c>null</c> value removes its id); <paramref name="all"/>
    /// is every campaign of the new snapshot, used when a shard has grown too big and the lookup is built anew.
    /// </summary>
    public CampaignLookup With(IReadOnlyDictionary<string, CompiledCampaign?> changed, IReadOnlyList<CompiledCampaign> all)
    {
        var shards = (Dictionary<string, CompiledCampaign>[])_shards.Clone();
        var copied = new HashSet<int>();
        var count = Count;
        foreach (var (id, campaign) in changed)
        {
            var s = ShardOf(id, shards.Length);
            if (copied.Add(s))
            {
                shards[s] = new Dictionary<string, CompiledCampaign>(shards[s], StringComparer.Ordinal);
            }

            if (campaign is null)
            {
                count -= shards[s].Remove(id) ? 1 : 0;
            }
            else
            {
                count += shards[s].ContainsKey(id) ? 0 : 1;
                shards[s][id] = campaign;
            }
            if (shards[s].Count > 4 * ShardSize)
            {
                // The catalog has grown a lot since the last full build: spread it over more shards.
                return Of(all);
            }
        }

        return new CampaignLookup(shards) { Count = count };
    }

    /// <summary>The campaign with id <paramref name="id"/>.</summary>
    public bool TryGetValue(string id, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out CompiledCampaign campaign) =>
        _shards[ShardOf(id, _shards.Length)].TryGetValue(id, out campaign);

    /// <inheritdoc cref="TryGetValue(string, out CompiledCampaign)"/>
    public bool TryGetValue(ReadOnlySpan<char> id, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out CompiledCampaign campaign) =>
        _shards[ShardOf(id, _shards.Length)].GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(id, out campaign);

    /// <summary>The campaign with id <paramref name="id"/>.</summary>
    /// <exception cref="KeyNotFoundException">There is none.</exception>
    public CompiledCampaign this[string id] => TryGetValue(id, out var campaign) ? campaign : throw new KeyNotFoundException(id);

    /// <summary>The shard of an id: its ordinal hash (the same for a string and a span of the same characters) modulo the shard count.</summary>
    private static int ShardOf(ReadOnlySpan<char> id, int shards) => string.GetHashCode(id) & (shards - 1);
}
