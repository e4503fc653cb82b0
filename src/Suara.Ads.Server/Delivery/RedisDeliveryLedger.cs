using System.Collections.Concurrent;
using System.Globalization;
using StackExchange.Redis;
using Suara.Ads.Core.Delivery;
using Suara.Ads.Core.Snapshot;
using Suara.Ads.Server.Hosting;

namespace Suara.Ads.Server.Delivery;

/// <summary>
/// Served counts for goals and pacing, shared by all instances: the totals read from Redis about every second
/// (<see cref="RefreshAsync"/>), plus what this instance served since the last read. Reads on the decision path are
/// local dictionary lookups.
/// </summary>
/// <remarks>
/// An ad served here in the moments between a flush and the next read can be missing from both parts for up to one
/// flush interval, so goals may overshoot by about that much traffic; they never undershoot.
/// </remarks>
internal sealed class RedisDeliveryLedger : IDeliveryLedger
{
    private readonly RedisConnection _redis;
    private readonly DeliveryKeys _keys;
    private readonly CatalogSnapshotHolder _catalog;
    private readonly TimeProvider _time;
    private volatile Totals _shared = new([], []);
    private ConcurrentDictionary<string, long> _localFlight = new(StringComparer.Ordinal);
    private ConcurrentDictionary<(string, int), long> _localDay = new();

    public RedisDeliveryLedger(RedisConnection redis, DeliveryKeys keys, CatalogSnapshotHolder catalog, TimeProvider time)
    {
        _redis = redis;
        _keys = keys;
        _catalog = catalog;
        _time = time;
    }

    public long GetFlightServed(string campaignId) =>
        _shared.Flight.GetValueOrDefault(campaignId) + _localFlight.GetValueOrDefault(campaignId);

    public long GetDayServed(string campaignId, int siteDay) =>
        _shared.Day.GetValueOrDefault((campaignId, siteDay)) + _localDay.GetValueOrDefault((campaignId, siteDay));

    public void RecordServed(string campaignId, int siteDay)
    {
        _localFlight.AddOrUpdate(campaignId, 1, static (_, n) => n + 1);
        _localDay.AddOrUpdate((campaignId, siteDay), 1, static (_, n) => n + 1);
    }

    /// <summary>Reads the served totals of every campaign with a goal (pipelined).</summary>
    public async Task RefreshAsync()
    {
        if (!_redis.IsConnected)
        {
            return;
        }

        var snapshot = _catalog.Current;
        var now = _time.GetUtcNow();
        var db = _redis.Database;
        var reads = new List<(string Campaign, int Day, Task<RedisValue[]> Values)>();
        foreach (var campaign in snapshot.Campaigns)
        {
            if (campaign.GoalImpressions <= 0)
            {
                continue;
            }

            var site = campaign.Source.Placements.Count > 0 && snapshot.Placements.TryGetValue(campaign.Source.Placements[0], out var p)
                ? p.Site.TimeZone
                : TimeZoneInfo.Utc;
            var day = (int)(TimeZoneInfo.ConvertTime(now, site).DateTime.Ticks / TimeSpan.TicksPerDay);
            reads.Add((campaign.Id, day, db.HashGetAsync(_keys.Served(campaign.Id), ["total", "d:" + day.ToString(CultureInfo.InvariantCulture)])));
        }

        // Start a new local generation before reading: what is served from here on is added on top of what is read.
        var oldFlight = Interlocked.Exchange(ref _localFlight, new ConcurrentDictionary<string, long>(StringComparer.Ordinal));
        var oldDay = Interlocked.Exchange(ref _localDay, new ConcurrentDictionary<(string, int), long>());
        try
        {
            await Task.WhenAll(reads.Select(r => r.Values)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Keep the old view; fold the local counts back so nothing served is forgotten.
            foreach (var (k, v) in oldFlight)
            {
                _localFlight.AddOrUpdate(k, v, (_, n) => n + v);
            }

            foreach (var (k, v) in oldDay)
            {
                _localDay.AddOrUpdate(k, v, (_, n) => n + v);
            }

            return;
        }

        var flight = new Dictionary<string, long>(StringComparer.Ordinal);
        var days = new Dictionary<(string, int), long>();
        foreach (var (campaign, day, values) in reads)
        {
            var result = values.Result;
            flight[campaign] = result[0].TryParse(out long total) ? total : 0;
            days[(campaign, day)] = result[1].TryParse(out long today) ? today : 0;
        }

        _shared = new Totals(flight, days);
    }

    private sealed record Totals(Dictionary<string, long> Flight, Dictionary<(string, int), long> Day);
}
