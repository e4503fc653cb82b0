using System.Globalization;
using StackExchange.Redis;
using Suara.Ads.Core.Forecasting;
using Suara.Ads.Server.Hosting;

namespace Suara.Ads.Server.Forecasts;

/// <summary>
/// Reads the traffic sample back, compiled for replay. A recorded day does not change once it is over (but for late
/// impressions), so compiled days are kept in memory and read again only when their record count changed: the first
/// forecast over a month of sample pays the load, the next ones only a few small reads per day.
/// </summary>
internal sealed class TrafficSampleStore
{
    /// <summary>Viewers numbered before the compiled days are dropped and compiled afresh (bounds the viewer table).</summary>
    private const int MaxViewers = 10_000_000;

    private readonly RedisConnection _redis;
    private readonly ForecastKeys _keys;
    private readonly SemaphoreSlim _loading = new(1, 1);
    private readonly Dictionary<(string Site, DateOnly Day), SampleDay> _compiled = [];
    private SampleCompiler _compiler = new();

    public TrafficSampleStore(RedisConnection redis, ForecastKeys keys)
    {
        _redis = redis;
        _keys = keys;
    }

    /// <summary>The recorded days of <paramref name="sites"/> from <paramref name="first"/> to <paramref name="last"/> that have a sample.</summary>
    public async Task<IReadOnlyList<SampleDay>> LoadAsync(IReadOnlyCollection<string> sites, DateOnly first, DateOnly last, CancellationToken cancellationToken)
    {
        await _loading.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var db = _redis.Database;
            var reads = new List<(string Site, DateOnly Day, Task<HashEntry[]> Counts)>();
            foreach (var site in sites)
            {
                for (var day = first; day <= last; day = day.AddDays(1))
                {
                    reads.Add((site, day, db.HashGetAllAsync(_keys.Counts(site, day))));
                }
            }

            var days = new List<SampleDay>();
            foreach (var (site, day, read) in reads)
            {
                var counts = Counts(await read.ConfigureAwait(false));
                if (counts.Sampled == 0)
                {
                    continue;
                }

                if (_compiled.TryGetValue((site, day), out var cached) && cached.Counts.Sampled == counts.Sampled)
                {
                    // Late impressions may still change the share: the records are what is costly, and they have not changed.
                    days.Add(cached.Counts.Impressions == counts.Impressions ? cached : Recount(cached, counts));
                    continue;
                }

                var values = await db.ListRangeAsync(_keys.Records(site, day)).ConfigureAwait(false);
                if (_compiler.ViewerCount > MaxViewers)
                {
                    _compiler = new SampleCompiler();
                    _compiled.Clear();
                }

                var records = values.Select(v => TrafficSampling.Deserialize(v.ToString())).OfType<SampleRecord>();
                var compiled = _compiler.Compile(site, day, counts, records);
                _compiled[(site, day)] = compiled;
                days.Add(compiled);
            }

            // Days that fell out of the retention are not kept either.
            foreach (var key in _compiled.Keys.Where(k => k.Day < first).ToArray())
            {
                _compiled.Remove(key);
            }

            return days;
        }
        finally
        {
            _loading.Release();
        }
    }

    private SampleDay Recount(SampleDay cached, SampleCounts counts)
    {
        var day = cached.WithCounts(counts);
        _compiled[(cached.Site, cached.Date)] = day;
        return day;
    }

    private static SampleCounts Counts(HashEntry[] entries)
    {
        var requests = new long[24];
        var sampled = new long[24];
        long filled = 0;
        long impressions = 0;
        foreach (var entry in entries)
        {
            var name = entry.Name.ToString();
            var value = (long)entry.Value;
            if (name == "f")
            {
                filled = value;
            }
            else if (name == "i")
            {
                impressions = value;
            }
            else if (name.Length > 2 && int.TryParse(name.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out var hour) && hour is >= 0 and < 24)
            {
                (name[0] == 'r' ? requests : sampled)[hour] = value;
            }
        }

        return new SampleCounts { RequestsByHour = requests, SampledByHour = sampled, Filled = filled, Impressions = impressions };
    }
}
