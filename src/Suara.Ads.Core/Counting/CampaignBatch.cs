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

    /// <summary>The campaign.</summary>
    public string Campaign { get; }

    /// <summary>Unique id of this batch, for idempotent retries.</summary>
    public string BatchId { get; }

    /// <summary>Increments without de-duplication (served counts).</summary>
    public Dictionary<CounterKey, long> Counts { get; } = [];

    /// <summary>Served counts per site-local day (days since 0001-01-01), for day goals.</summary>
    public Dictionary<int, long> ServedByDay { get; } = [];

    /// <summary>Beacon events, each counted once per token id across all instances.</summary>
    public List<TokenEvent> Events { get; } = [];

    /// <summary>Number of events (served and beacons) in the batch.</summary>
    public long EventCount { get; internal set; }
}

/// <summary>A beacon event with its de-duplication identity.</summary>
/// <param name="Key">The counter it increments.</param>
/// <param name="TokenId">Unique id of the token (its MAC), the de-duplication key.</param>
/// <param name="IssuedHour">Hour (since the epoch, UTC) the token was issued: tokens live 24 h, so de-duplication state is kept per issue hour.</param>
public readonly record struct TokenEvent(CounterKey Key, string TokenId, long IssuedHour);
