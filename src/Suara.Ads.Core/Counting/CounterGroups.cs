using System.Text;

namespace Suara.Ads.Core.Counting;

/// <summary>
/// The counting groups (docs/redis.md, "Counting groups"): every campaign, and every site's inventory counts, belong to
/// one of <see cref="Count"/> groups by a stable hash of the id, and a flush writes each group's counts in one script
/// under the group's hash tag <c>{g:N}</c>, so the commands a flush costs do not grow with the number of campaigns.
/// </summary>
public static class CounterGroups
{
    /// <summary>
    /// The number of groups, fixed by the layout (changing it moves campaigns between groups: a new layout, not a
    /// setting). 8: about 9 commands a group per flush keep one instance under 10 commands per 1,000 beacons at 36,000
    /// beacons/s, and 8 slots spread over a Cluster of up to 8 primaries.
    /// </summary>
    public const int Count = 8;

    /// <summary>The group of a campaign (or a site) id: FNV-1a (32 bits) of its UTF-8 bytes, modulo <see cref="Count"/>.</summary>
    public static int Of(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        Span<byte> buffer = stackalloc byte[256];
        var bytes = Encoding.UTF8.GetByteCount(id) <= buffer.Length ? buffer[..Encoding.UTF8.GetBytes(id, buffer)] : Encoding.UTF8.GetBytes(id);
        var hash = 2166136261u;
        foreach (var b in bytes)
        {
            hash = unchecked((hash ^ b) * 16777619u);
        }

        return (int)(hash % Count);
    }

    /// <summary>The batch owner of a group's counts in <see cref="EventAggregate"/>: <c>#</c> and its number (no campaign id starts with <c>#</c>).</summary>
    public static string Owner(int group) => s_owners[group];

    /// <summary>The group of a batch owner, or -1 for a campaign or a site.</summary>
    public static int GroupOf(string owner) => owner.Length == 2 && owner[0] == '#' && owner[1] is >= '0' and <= '9' ? owner[1] - '0' : -1;

    private static readonly string[] s_owners = [.. Enumerable.Range(0, Count).Select(g => "#" + g.ToString(System.Globalization.CultureInfo.InvariantCulture))];
}
