namespace Suara.Ads.Core.Delivery;

/// <summary>One campaign's frequency window for one viewer.</summary>
/// <param name="CampaignId">The campaign.</param>
/// <param name="Window">The window, from <see cref="FrequencyWindows.Key"/>.</param>
public readonly record struct FrequencyKey(string CampaignId, long Window);
