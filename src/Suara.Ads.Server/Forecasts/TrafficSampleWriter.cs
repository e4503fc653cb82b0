using System.Globalization;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Suara.Ads.Core.Forecasting;
using Suara.Ads.Server.Hosting;

namespace Suara.Ads.Server.Forecasts;

/// <summary>
/// Writes the traffic sample to Redis every second: per site and day, one script adds the counts and appends the
/// records, keeping at most <see cref="AdsOptions.TrafficSampleMaxPerHour"/> records per hour (the sample's bound) and
/// setting the keys to expire <see cref="AdsOptions.TrafficSampleRetention"/> after their last write. Counts that fail to
/// write are written again with the next round; records that fail are dropped (logged): the scale of a day is
/// requests over records kept, so a lost record changes nothing but the sample's size.
/// </summary>
internal sealed class TrafficSampleWriter : BackgroundService
{
    /// <summary>How often the sample is written.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    // KEYS[1] the day's counts, KEYS[2] its records. ARGV[1] seconds to live, ARGV[2] most records per hour, ARGV[3]
    // slots filled, ARGV[4] impressions, ARGV[5..28] requests per hour 0-23, then (hour, record) pairs.
    private const string Script = """
        local max = tonumber(ARGV[2])
        if ARGV[3] ~= '0' then redis.call('HINCRBY', KEYS[1], 'f', ARGV[3]) end
        if ARGV[4] ~= '0' then redis.call('HINCRBY', KEYS[1], 'i', ARGV[4]) end
        for h = 0, 23 do
          if ARGV[5 + h] ~= '0' then redis.call('HINCRBY', KEYS[1], 'r:' .. h, ARGV[5 + h]) end
        end
        local kept = 0
        for i = 29, #ARGV, 2 do
          local field = 's:' .. ARGV[i]
          if tonumber(redis.call('HGET', KEYS[1], field) or '0') < max then
            redis.call('RPUSH', KEYS[2], ARGV[i + 1])
            redis.call('HINCRBY', KEYS[1], field, 1)
            kept = kept + 1
          end
        end
        redis.call('EXPIRE', KEYS[1], ARGV[1])
        if kept > 0 then redis.call('EXPIRE', KEYS[2], ARGV[1]) end
        return kept
        """;

    private readonly TrafficSampleRecorder _recorder;
    private readonly RedisConnection _redis;
    private readonly ForecastKeys _keys;
    private readonly TimeProvider _time;
    private readonly ILogger<TrafficSampleWriter> _logger;
    private readonly long _ttlSeconds;
    private readonly int _maxPerHour;
    private readonly SemaphoreSlim _writing = new(1, 1);

    public TrafficSampleWriter(TrafficSampleRecorder recorder, RedisConnection redis, ForecastKeys keys, TimeProvider time, IOptions<AdsOptions> options, ILogger<TrafficSampleWriter> logger)
    {
        _recorder = recorder;
        _redis = redis;
        _keys = keys;
        _time = time;
        _logger = logger;

        // Kept a day beyond the retention: a day is written until its end.
        _ttlSeconds = (long)(options.Value.TrafficSampleRetention + TimeSpan.FromDays(1)).TotalSeconds;
        _maxPerHour = options.Value.TrafficSampleMaxPerHour;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Interval, _time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            await FlushAsync().ConfigureAwait(false);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await FlushAsync().ConfigureAwait(false);
    }

    /// <summary>Writes what is pending once. Safe to call at any time (tests call it directly).</summary>
    public async Task FlushAsync()
    {
        await _writing.WaitAsync().ConfigureAwait(false);
        try
        {
            var deltas = _recorder.TakeDeltas();
            var records = _recorder.TakeRecords();
            if (deltas.Count == 0 && records.Count == 0)
            {
                return;
            }

            var groups = new Dictionary<(string Site, int Day), (TrafficSampleRecorder.TallyDelta? Delta, List<RedisValue> Records)>();
            foreach (var (site, day, delta) in deltas)
            {
                groups[(site, day)] = (delta, []);
            }

            foreach (var record in records)
            {
                if (!groups.TryGetValue((record.Site, record.SiteDay), out var group))
                {
                    group = (null, []);
                    groups[(record.Site, record.SiteDay)] = group;
                }

                group.Records.Add(Math.Min(record.Seconds / 3600, 23));
                group.Records.Add(TrafficSampling.Serialize(TrafficSampling.Record(record.Request, record.Viewer, record.Seconds)));
            }

            var writes = new List<(string Site, int Day, TrafficSampleRecorder.TallyDelta? Delta, int Records, Task<RedisResult> Write)>();
            var db = _redis.Database;
            foreach (var ((site, day), (delta, pairs)) in groups)
            {
                var date = DateOnly.FromDayNumber(day);
                var args = new List<RedisValue>(28 + pairs.Count) { _ttlSeconds, _maxPerHour, delta?.Filled ?? 0, delta?.Impressions ?? 0 };
                for (var h = 0; h < 24; h++)
                {
                    args.Add(delta?.Requests[h] ?? 0);
                }

                args.AddRange(pairs);
                writes.Add((site, day, delta, pairs.Count / 2, db.ScriptEvaluateAsync(Script, [_keys.Counts(site, date), _keys.Records(site, date)], [.. args])));
            }

            foreach (var (site, day, delta, count, write) in writes)
            {
                try
                {
                    await write.ConfigureAwait(false);
                    if (delta is not null)
                    {
                        _recorder.Confirm(site, day, delta);
                    }
                }
                catch (Exception ex) when (ex is RedisException or TimeoutException)
                {
                    _logger.SampleWriteFailed(site, DateOnly.FromDayNumber(day).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), count, ex.Message);
                }
            }
        }
        finally
        {
            _writing.Release();
        }
    }
}
