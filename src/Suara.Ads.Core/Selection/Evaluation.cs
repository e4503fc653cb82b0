using Suara.Ads.Core.Delivery;
using Suara.Ads.Core.Targeting;

namespace Suara.Ads.Core.Selection;

/// <summary>
/// What every eligibility check of one decision reads: the time (UTC and in the site's zone), the site day, the
/// engine's own copy of the targeting context, the viewer and their history, the delivery ledger, the label names.
/// Passed by <c>in</c> reference; built once per decision.
/// </summary>
internal readonly struct Evaluation(long nowUtcTicks, DateTime localTime, int siteDay, long dayStartUtcTicks, TargetingContext context, string? userId, ViewerHistory history, IDeliveryLedger ledger, string[] labels)
{
    public long NowUtcTicks { get; } = nowUtcTicks;

    public DateTime LocalTime { get; } = localTime;

    public int SiteDay { get; } = siteDay;

    public long DayStartUtcTicks { get; } = dayStartUtcTicks;

    /// <summary>The engine's copy of the request's context, with site, placement, hour and weekday filled in.</summary>
    public TargetingContext Context { get; } = context;

    public string? UserId { get; } = userId;

    public ViewerHistory History { get; } = history;

    public IDeliveryLedger Ledger { get; } = ledger;

    public string[] Labels { get; } = labels;
}
