namespace Suara.Ads.Core.Counting;

/// <summary>
/// Everything pending for one campaign, written to the store in one atomic, idempotent step: retrying a batch with
/// the same <see cref="BatchId"/> never counts twice.
/// </summary>
public sealed class CampaignBatch
{
    internal CampaignBatch(string campaign, string batchId)
    {
        Campaign = campaign;
        BatchId = batchId;
    }

    /// <summary>
    /// The campaign; for a site's inventory counts, <see cref="EventAggregate.SiteOwner"/> of the site; for a counting
    /// group's batch (every campaign and site of the group), <see cref="CounterGroups.Owner"/>.
    /// </summary>
    public string Campaign { get; }

    /// <summary>Unique id of this batch, for idempotent retries.</summary>
    public string BatchId { get; }

    /// <summary>Increments without de-duplication (served and invalid counts).</summary>
    public Dictionary<CounterKey, long> Counts { get; } = [];

    /// <summary>Ads served and held back against the campaign's goal, per hold bucket (<see cref="Delivery.DeliveryHolds"/>) and site day.</summary>
    public Dictionary<HoldKey, long> Held { get; } = [];

    /// <summary>In a group's batch: the ads served and held back, per campaign, hold bucket and site day.</summary>
    public Dictionary<(string Campaign, HoldKey Hold), long> HeldBy { get; } = [];

    /// <summary>The aggregate's run (random, per process) that made the batch.</summary>
    public string Run { get; internal init; } = "";

    /// <summary>
    /// In a group's batch: its number among the run's batches of the group, from 1. A group's batches of one run are
    /// applied in this order, each once (docs/redis.md, "Counting groups").
    /// </summary>
    public long Sequence { get; internal init; }

    /// <summary>The order in which the aggregate opened its batches (retries are handed back in it).</summary>
    internal long Order { get; init; }

    /// <summary>Beacon events, each counted once per token id across all instances.</summary>
    public List<TokenEvent> Events { get; private set; } = [];

    /// <summary>Gives the batch <paramref name="events"/> (empty) to fill (a list of a written batch, reused).</summary>
    internal void UseEvents(List<TokenEvent> events) => Events = events;

    /// <summary>Takes the batch's events away (it keeps an empty list), for the list to be reused.</summary>
    internal List<TokenEvent> DetachEvents()
    {
        var events = Events;
        Events = [];
        return events;
    }

    /// <summary>When its first event was added (<see cref="TimeProvider.GetTimestamp"/> of the aggregate's clock).</summary>
    internal long OpenedAt { get; init; }

    /// <summary>Number of events (served, invalid and beacons) in the batch.</summary>
    public long EventCount { get; internal set; }
}

/// <summary>Where a hold counts: its bucket (<see cref="Delivery.DeliveryHolds.Bucket"/>) and the site-local day of its decision.</summary>
/// <param name="Bucket">The hold bucket.</param>
/// <param name="SiteDay">Days since 0001-01-01 in the site's time zone.</param>
public readonly record struct HoldKey(long Bucket, int SiteDay);

/// <summary>A beacon event with its de-duplication identity and what counting it must update.</summary>
/// <param name="Key">The counter it increments.</param>
/// <param name="TokenId">Unique id of the token (its MAC), the de-duplication key.</param>
/// <param name="IssuedHour">Hour (since the epoch, UTC) the token was issued: tokens live 24 h, so de-duplication state is kept per issue hour.</param>
public readonly record struct TokenEvent(CounterKey Key, string TokenId, long IssuedHour)
{
    /// <summary>The ad the event is about (its decision and creative): links a viewable or click to its impression.</summary>
    public string AdId { get; init; } = "";

    /// <summary>The site-local day (days since 0001-01-01) of the event, for day goals.</summary>
    public int SiteDay { get; init; }

    /// <summary>The hold bucket of the ad's decision, released by its impression; -1 when the campaign holds nothing.</summary>
    public long HoldBucket { get; init; } = -1;

    /// <summary>The viewer's digest when the campaign has a frequency cap and the page sent a viewer, else <c>null</c>.</summary>
    public string? Viewer { get; init; }

    /// <summary>The viewer's digest for an impression whose page sent a viewer (any campaign): the campaign's reach.</summary>
    public string? Reach { get; init; }

    /// <summary>The cap window the impression counts in (<see cref="Delivery.FrequencyWindows.Key"/>).</summary>
    public long CapWindow { get; init; }

    /// <summary>How long the viewer's count must be kept.</summary>
    public TimeSpan CapRetention { get; init; }

    /// <summary>The decision the ad came from.</summary>
    public Guid DecisionId { get; init; }

    /// <summary>The run that issued the ad's token (<see cref="Events.EventClaims.Issuer"/>); 0 with no <see cref="Sequence"/>.</summary>
    public ulong Issuer { get; init; }

    /// <summary>
    /// The ad's number for its issuer, campaign and UTC day of issue (<see cref="Events.EventClaims.Sequence"/>): the event is
    /// de-duplicated by bits of a bitmap; -1 for a token without one (by <see cref="AdId"/> and <see cref="TokenId"/> in a set).
    /// </summary>
    public long Sequence { get; init; } = -1;

    /// <summary>
    /// Whether <see cref="Sequence"/> numbers the ad in its campaign's counting group (token version 4): the event is
    /// counted in its group's batch, de-duplicated in the group's bitmap.
    /// </summary>
    public bool SequencePerGroup { get; init; }
}
