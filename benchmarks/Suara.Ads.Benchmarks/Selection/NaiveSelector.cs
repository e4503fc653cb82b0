using Suara.Ads.Core.Catalog;
using Suara.Ads.Core.Delivery;
using Suara.Ads.Core.Selection;
using Suara.Ads.Core.Targeting;

namespace Suara.Ads.Benchmarks.Selection;

/// <summary>
/// The baseline the engine is measured against: a deliberately simple selector with the engine's eligibility
/// rules and none of its structure. For every slot it scans every campaign of the catalog, checks that it lists
/// the placement, is active and in flight, has a fitting creative not yet on the page, matches its targeting, is
/// under its goal and pacing line and the viewer's cap, and shares no exclusion label with another campaign already
/// on the page (a campaign may repeat despite its own labels); the highest
/// tier with a candidate wins, a campaign is drawn by weight, then a creative by weight.
/// </summary>
/// <remarks>
/// Rules are compiled once up front (the baseline is "no index", not "re-parse every time"); everything else works
/// on the catalog records as they are, with lists and string comparisons.
/// </remarks>
public sealed class NaiveSelector
{
    private readonly NaiveCampaign[] _campaigns;
    private readonly Dictionary<string, Placement> _placements;
    private readonly TimeZoneInfo _timeZone;
    private readonly IDeliveryLedger _ledger;
    private readonly Random _random;

    /// <summary>Prepares the selector for a valid document.</summary>
    public NaiveSelector(CatalogDocument document, IDeliveryLedger ledger, int seed)
    {
        _campaigns = [.. document.Campaigns.Select(c => new NaiveCampaign(c))];
        _placements = document.Placements.ToDictionary(p => p.Id, StringComparer.Ordinal);
        _timeZone = TimeZoneInfo.FindSystemTimeZoneById(document.Sites[0].TimeZone);
        _ledger = ledger;
        _random = new Random(seed);
    }

    /// <summary>Decides every slot of <paramref name="request"/>; an entry is <c>null</c> for a no-fill.</summary>
    public NaivePick?[] Decide(DecisionRequest request, ViewerHistory history, DateTimeOffset now)
    {
        var local = TimeZoneInfo.ConvertTime(now, _timeZone);
        var localTime = local.DateTime;
        var siteDay = (int)(localTime.Ticks / TimeSpan.TicksPerDay);
        var dayStart = local.UtcTicks - (localTime.Ticks % TimeSpan.TicksPerDay);
        var context = request.Context;
        context.Site = request.Site;
        context.Hour = localTime.Hour;
        context.Weekday = localTime.DayOfWeek;

        var picks = new NaivePick?[request.Slots.Count];
        var pageCreatives = new List<Creative>();
        var pageCampaigns = new List<string>();
        var pageLabels = new List<(string Label, string Campaign)>();
        for (var s = 0; s < request.Slots.Count; s++)
        {
            var slot = request.Slots[s];
            if (!_placements.TryGetValue(slot.Placement, out var placement) || placement.Site != request.Site)
            {
                continue;
            }

            context.Placement = placement.Id;
            var bestTier = int.MaxValue;
            var candidates = new List<NaiveCampaign>();
            foreach (var c in _campaigns)
            {
                if (!c.Source.Placements.Contains(placement.Id)
                    || c.Status != "active"
                    || now.UtcTicks < c.StartUtcTicks || now.UtcTicks > c.EndUtcTicks
                    || !c.Source.Creatives.Any(cr => CatalogValidator.Fits(cr, placement) && !pageCreatives.Contains(cr))
                    || !c.Rule.Matches(context)
                    || !UnderGoal(c, now.UtcTicks, siteDay, dayStart)
                    || !UnderCap(c, request.UserId, history, localTime, pageCampaigns)
                    || c.Source.ExclusionLabels.Any(l => pageLabels.Exists(p => p.Label == l && p.Campaign != c.Source.Id)))
                {
                    continue;
                }

                if (c.Tier < bestTier)
                {
                    bestTier = c.Tier;
                    candidates.Clear();
                }

                if (c.Tier == bestTier)
                {
                    candidates.Add(c);
                }
            }

            if (candidates.Count == 0)
            {
                continue;
            }

            var winner = candidates[Draw(candidates.Select(c => (long)c.Source.Weight).ToList())];
            var creatives = winner.Source.Creatives.Where(cr => CatalogValidator.Fits(cr, placement) && !pageCreatives.Contains(cr)).ToList();
            var creative = creatives[Draw(creatives.Select(cr => (long)cr.Weight).ToList())];
            pageCreatives.Add(creative);
            pageCampaigns.Add(winner.Source.Id);
            pageLabels.AddRange(winner.Source.ExclusionLabels.Select(l => (l, winner.Source.Id)));
            picks[s] = new NaivePick(slot.Id, winner.Source, creative);
        }

        return picks;
    }

    private bool UnderGoal(NaiveCampaign c, long nowUtcTicks, int siteDay, long dayStartUtcTicks)
    {
        if (c.Source.Goal is not { } goal)
        {
            return true;
        }

        long served;
        long windowStart;
        long windowEnd;
        if (goal.Per == "day")
        {
            served = _ledger.GetDayServed(c.Source.Id, siteDay);
            windowStart = Math.Max(dayStartUtcTicks, c.StartUtcTicks);
            windowEnd = Math.Min(dayStartUtcTicks + TimeSpan.TicksPerDay, c.EndUtcTicks);
        }
        else
        {
            served = _ledger.GetFlightServed(c.Source.Id);
            windowStart = c.StartUtcTicks;
            windowEnd = c.EndUtcTicks;
        }

        return served < goal.Impressions
            && (c.Source.Pacing != "even" || served < EvenPacing.Allowance(goal.Impressions, windowStart, windowEnd, nowUtcTicks));
    }

    private static bool UnderCap(NaiveCampaign c, string? userId, ViewerHistory history, DateTime localTime, List<string> pageCampaigns)
    {
        if (c.Source.FrequencyCap is not { } cap || cap.Impressions <= 0 || userId is null)
        {
            return true;
        }

        var window = FrequencyWindows.Key(c.CapPeriod, localTime);
        var seen = history.Count(c.Source.Id, window) + pageCampaigns.Count(id => id == c.Source.Id);
        return seen < cap.Impressions;
    }

    private int Draw(List<long> weights)
    {
        if (weights.Count == 1)
        {
            return 0;
        }

        var r = _random.NextInt64(weights.Sum());
        for (var i = 0; i < weights.Count; i++)
        {
            r -= weights[i];
            if (r < 0)
            {
                return i;
            }
        }

        return weights.Count - 1;
    }

    private sealed class NaiveCampaign
    {
        public NaiveCampaign(Campaign source)
        {
            Source = source;
            Status = source.Status;
            Tier = source.Priority switch { "sponsorship" => 0, "standard" => 1, _ => 2 };
            StartUtcTicks = source.Start?.UtcTicks ?? DateTimeOffset.MinValue.UtcTicks;
            EndUtcTicks = source.End?.UtcTicks ?? DateTimeOffset.MaxValue.UtcTicks;
            Rule = string.IsNullOrWhiteSpace(source.Targeting)
                ? TargetingRule.Everyone
                : TargetingRule.Compile(source.Targeting).Rule ?? throw new ArgumentException($"Bad rule in {source.Id}", nameof(source));
            CapPeriod = source.FrequencyCap?.Per switch
            {
                "hour" => CapPeriod.Hour,
                "week" => CapPeriod.Week,
                "flight" => CapPeriod.Flight,
                _ => CapPeriod.Day,
            };
        }

        public Campaign Source { get; }

        public string Status { get; }

        public int Tier { get; }

        public long StartUtcTicks { get; }

        public long EndUtcTicks { get; }

        public TargetingRule Rule { get; }

        public CapPeriod CapPeriod { get; }
    }
}

/// <summary>What <see cref="NaiveSelector"/> chose for one slot.</summary>
/// <param name="SlotId">The slot.</param>
/// <param name="Campaign">The campaign.</param>
/// <param name="Creative">The creative.</param>
public sealed record NaivePick(string SlotId, Campaign Campaign, Creative Creative);
