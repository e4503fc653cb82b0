namespace Suara.Ads.Core.Selection;

/// <summary>One slot of a page to fill.</summary>
/// <param name="Id">The page's name for the slot, echoed in the response.</param>
/// <param name="Placement">The placement id.</param>
public sealed record SlotRequest(string Id, string Placement);
