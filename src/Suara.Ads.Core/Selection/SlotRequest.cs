using Suara.Ads.Core.Catalog;

namespace Suara.Ads.Core.Selection;

/// <summary>One slot of a page to fill.</summary>
/// <param name="Id">The page's name for the slot, echoed in the response.</param>
/// <param name="Placement">The placement id.</param>
/// <param name="Sizes">
/// Optional: the sizes this slot accepts right now (e.g. only the leaderboard sizes that fit the page's width), a
/// subset of the placement's sizes. <c>null</c> or empty accepts every size of the placement.
/// </param>
public sealed record SlotRequest(string Id, string Placement, IReadOnlyList<CreativeSize>? Sizes = null)
{
    /// <summary>
    /// The key-values <c>kv.NAME</c> reads for this slot, when the slot has its own: the page's with the slot's over
    /// them, merged once by whoever maps the request. <c>null</c>: the page's (<see cref="Targeting.TargetingContext.Kv"/>).
    /// </summary>
    public IReadOnlyDictionary<string, string>? Kv { get; init; }

    /// <summary>Whether the slot accepts a creative of <paramref name="size"/>.</summary>
    public bool Accepts(CreativeSize size)
    {
        if (Sizes is not { Count: > 0 } sizes)
        {
            return true;
        }

        for (var i = 0; i < sizes.Count; i++)
        {
            if (sizes[i] == size)
            {
                return true;
            }
        }

        return false;
    }
}
