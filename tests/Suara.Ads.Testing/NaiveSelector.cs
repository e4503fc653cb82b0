using Suara.Ads.Core.Billing;
using Suara.Ads.Core.Catalog;
using Suara.Ads.Core.Delivery;
using Suara.Ads.Core.Selection;
using Suara.Ads.Core.Targeting;

namespace Suara.Ads.Testing;

/// <summary>
/// The one oracle the engine is held to, and the baseline it is measured against: a deliberately simple selector with
/// the engine's eligibility rules and none of its structure. For every slot it scans every campaign of the catalog,
/// checks that it lists the placement, is active and in flight, has a creative that fits the placement and the slot's
/// sizes and is not yet on the page, matches its targeting, is under its goal and pacing line and the viewer's cap, and
/// shares no exclusion label with another campaign already on the page (a campaign may repeat despite its own labels);
/// the highest tier with a candidate wins, a campaign is drawn by weight, then a creative by weight.
/// </summary>
/// <remarks>
/// Rules are compiled once up front (the baseline is "no index", not "re-parse every time"); everything else works
/// on the catalog records as they are, with lists and string comparisons. The conformance tests
/// (tests/Suara.Ads.Core.Tests/Selection/IndexConformanceTests.cs) ask <see cref="Eligible"/> slot by slot; the
/// benchmarks time <see cref="Decide"/>.
/// </remarks>
public sealed class NaiveSelector
{
    private readonly NaiveCampaign[] _campaigns;
    private readonly Dictionary<string, Placement> _placements;
    private readonly Dictionary<string, TimeZoneInfo> _zones;
    private readonly IDeliveryLedger _ledger;
    private readonly Random _random;

    /// <summary>Prepares the selector for a valid document.</summary>
    public NaiveSelector(CatalogDocument document, IDeliveryLedger ledger, int seed)
    {
        _campaigns = [.. document.Campaigns.Select(c => new NaiveCampaign(c))];
        _placements = document.Placements.ToDictionary(p => p.Id, StringComparer.Ordinal);
        _zones = document.Sites.ToDictionary(s => s.Id, s => TimeZoneInfo.FindSystemTimeZoneById(s.TimeZone), StringComparer.Ordinal);
        _ledger = ledger;
        _random = new Random(seed);
    }

    /// <summary>Decides every slot of <paramref name="request"/>; an entry is <c>null</c> for a no-fill.</summary>
    public NaivePick?[] Decide(DecisionRequest request, ViewerHistory history, DateTimeOffset now)
    {
        var picks = new NaivePick?[request.Slots.Count];
        var page = new NaivePage();
        for (var s = 0; s < request.Slots.Count; s++)
        {
            var candidates = Eligible(request, s, history, now, page);
            if (candidates.Count == 0)
            {
                continue;
            }

            var winner = candidates[Draw(candidates.Select(c => (long)c.Weight).ToList())];
            var creatives = FittingCreatives(winner, request.Slots[s], page).ToList();
            var creative = creatives[Draw(creatives.Select(cr => (long)cr.Weight).ToList())];
            page.Add(winner, creative);
            picks[s] = new NaivePick(request.Slots[s].Id, winner, creative);
        }

        return picks;
    }

    /// <summary>
    /// The campaigns eligible for slot <paramref name="slotIndex"/> in the best tier that has any, given what is
    /// already on <paramref name="page"/>; empty for a slot the catalog cannot decide (unknown placement, another
    /// site's placement).
    /// </summary>
    public IReadOnlyList<Campaign> Eligible(DecisionRequest request, int slotIndex, ViewerHistory history, DateTimeOffset now, NaivePage page)
    {
        var slot = request.Slots[slotIndex];
        if (!_zones.TryGetValue(request.Site, out var zone) || !_placements.TryGetValue(slot.Placement, out var placement) || placement.Site != request.Site)
        {
            return [];
        }

        var local = TimeZoneInfo.ConvertTime(now, zone);
        var localTime = local.DateTime;
        var siteDay = (int)(localTime.Ticks / TimeSpan.TicksPerDay);
        var dayStart = local.UtcTicks - (localTime.Ticks % TimeSpan.TicksPerDay);

        // A copy of the request's context: the oracle, like the engine, leaves the request as it came.
        var context = new TargetingContext();
        context.CopyFrom(request.Context);
        context.Site = request.Site;
        context.Placement = placement.Id;
        context.Hour = localTime.Hour;
        context.Weekday = localTime.DayOfWeek;

        var bestTier = int.MaxValue;
        var candidates = new List<Campaign>();
        foreach (var c in _campaigns)
        {
            if (!c.Source.Placements.Contains(placement.Id)
                || c.Status != "active"
                || now.UtcTicks < c.StartUtcTicks || now.UtcTicks > c.EndUtcTicks
                || !c.Source.Creatives.Any(cr => CatalogValidator.Fits(cr, placement))
                || !c.Rule.Matches(context)
                || !UnderGoal(c, now.UtcTicks, siteDay, dayStart)
                || !UnderCap(c, request.UserId, history, localTime, page)
                || c.Source.ExclusionLabels.Any(l => page.Labels.Exists(p => p.Label == l && p.Campaign != c.Source.Id))
                || !FittingCreatives(c.Source, slot, page, placement).Any())
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
                candidates.Add(c.Source);
            }
        }

        return candidates;
    }

    /// <summary>The campaign's creatives that may go into the slot: they fit the placement and the slot's sizes and are not on the page yet.</summary>
    public IEnumerable<Creative> FittingCreatives(Campaign campaign, SlotRequest slot, NaivePage page) =>
        FittingCreatives(campaign, slot, page, _placements[slot.Placement]);

    private static IEnumerable<Creative> FittingCreatives(Campaign campaign, SlotRequest slot, NaivePage page, Placement placement) =>
        campaign.Creatives.Where(cr => CatalogValidator.Fits(cr, placement)
            && CreativeSize.TryParse(cr.Size, out var size) && slot.Accepts(size)
            && !page.Creatives.Exists(p => p.Campaign == campaign.Id && p.Creative == cr.Id));

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
            if (!_ledger.TryGetDayDelivered(c.Source.Id, siteDay, out served))
            {
                return false;
            }

            windowStart = Math.Max(dayStartUtcTicks, c.StartUtcTicks);
            windowEnd = Math.Min(dayStartUtcTicks + TimeSpan.TicksPerDay, c.EndUtcTicks);
        }
        else
        {
            if (!_ledger.TryGetFlightDelivered(c.Source.Id, out served))
            {
                return false;
            }

            windowStart = c.StartUtcTicks;
            windowEnd = c.EndUtcTicks;
        }

        var units = Money.GoalUnits(c.Source).Units;
        return served < units
            && (c.Source.Pacing != "even" || served < EvenPacing.Allowance(units, windowStart, windowEnd, nowUtcTicks));
    }

    private static bool UnderCap(NaiveCampaign c, string? userId, ViewerHistory history, DateTime localTime, NaivePage page)
    {
        if (c.Source.FrequencyCap is not { } cap || cap.Impressions <= 0 || userId is null)
        {
            return true;
        }

        var window = FrequencyWindows.Key(c.CapPeriod, localTime);
        var seen = history.Count(c.Source.Id, window) + page.Creatives.Count(p => p.Campaign == c.Source.Id);
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

/// <summary>What the oracle knows is on the page so far: each placed creative and the labels of its campaign.</summary>
public sealed class NaivePage
{
    /// <summary>The placed creatives, by campaign and creative id, in page order.</summary>
    public List<(string Campaign, string Creative)> Creatives { get; } = [];

    /// <summary>The exclusion labels on the page and the campaign that brought each.</summary>
    public List<(string Label, string Campaign)> Labels { get; } = [];

    /// <summary>Records that <paramref name="creative"/> of <paramref name="campaign"/> is on the page.</summary>
    public void Add(Campaign campaign, Creative creative)
    {
        Creatives.Add((campaign.Id, creative.Id));
        Labels.AddRange(campaign.ExclusionLabels.Select(l => (l, campaign.Id)));
    }
}

/// <summary>What <see cref="NaiveSelector"/> chose for one slot.</summary>
/// <param name="SlotId">The slot.</param>
/// <param name="Campaign">The campaign.</param>
/// <param name="Creative">The creative.</param>
public sealed record NaivePick(string SlotId, Campaign Campaign, Creative Creative);
