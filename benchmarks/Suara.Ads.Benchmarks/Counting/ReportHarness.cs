using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using StackExchange.Redis;

namespace Suara.Ads.Benchmarks.Counting;

/// <summary>
/// <c>--report REDIS_CONFIG SERVER_URL ADMIN_KEY CAMPAIGN [--days 90] [--creatives 20] [--placements 5] [--rounds 10] [--prefix suara:] [--keep]</c>:
/// how long a running server takes to answer a long hourly campaign report (not BenchmarkDotNet: the server owns the
/// counters in Redis). Writes, for CAMPAIGN under the key prefix, the hourly and daily counters of every creative in
/// every placement in every hour of the last DAYS days (served, impressions, viewable, clicks: the densest such a
/// campaign can be), then asks for the report by hour and by day, JSON and CSV, ROUNDS times each after one warm-up,
/// and prints the times. The campaign must exist in the server's catalog (its creatives need not: reports read what
/// Redis holds). The seeded keys are deleted at the end (kept with <c>--keep</c>, to try the report by hand).
/// </summary>
internal static class ReportHarness
{
    public static async Task RunAsync(string[] args)
    {
        if (args.Length < 4)
        {
            Console.Error.WriteLine("usage: --report REDIS_CONFIG SERVER_URL ADMIN_KEY CAMPAIGN [--days 90] [--creatives 20] [--placements 5] [--rounds 10] [--prefix suara:] [--keep]");
            return;
        }

        var (configuration, url, adminKey, campaign) = (args[0], args[1], args[2], args[3]);
        var days = CountingHarness.IntOption(args, "--days", 90);
        var creatives = CountingHarness.IntOption(args, "--creatives", 20);
        var placements = CountingHarness.IntOption(args, "--placements", 5);
        var rounds = CountingHarness.IntOption(args, "--rounds", 10);
        var prefixAt = Array.IndexOf(args, "--prefix");
        var prefix = prefixAt > 0 && prefixAt + 1 < args.Length ? args[prefixAt + 1] : "suara:";

        using var redis = await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);
        var db = redis.GetDatabase();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var first = today.AddDays(1 - days);
        var keys = await SeedAsync(db, prefix, campaign, first, today, creatives, placements).ConfigureAwait(false);
        Console.WriteLine($"seeded {keys.Count} keys: {days} days x 24 hours x {creatives} creatives x {placements} placements x 4 kinds");

        using var client = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(2) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
        var range = string.Create(CultureInfo.InvariantCulture, $"from={first:yyyy-MM-dd}&to={today:yyyy-MM-dd}");
        // The first report reads the days as the counting script left them (a field per count) and asks the server to
        // pack the closed ones (docs/redis.md, "Packed days"); the measured rounds read them packed, as every later report
        // does (a running server packs each day two days after it, whoever asks).
        var hourlyPath = $"/v1/reports/campaigns/{campaign}?{range}&granularity=hour";
        var (_, unpacked) = await GetAsync(client, hourlyPath).ConfigureAwait(false);
        var packStarted = Stopwatch.GetTimestamp();
        var closed = keys.Where(k => k.ToString().Contains(":n:", StringComparison.Ordinal) && long.Parse(k.ToString()[(k.ToString().LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture) <= (DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 86_400) - 2).ToArray();
        while (closed.Length > 0 && await db.KeyExistsAsync(closed).ConfigureAwait(false) > 0 && Stopwatch.GetElapsedTime(packStarted) < TimeSpan.FromMinutes(2))
        {
            await Task.Delay(100).ConfigureAwait(false);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"first hourly report (days unpacked): {unpacked.TotalMilliseconds:0} ms; {closed.Length} closed days packed {Stopwatch.GetElapsedTime(packStarted).TotalMilliseconds:0} ms later"));
        Console.WriteLine("| report | rows | bytes | p50 ms | min ms | max ms |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var (name, query) in new[]
        {
            ("hourly JSON", $"{range}&granularity=hour"),
            ("hourly CSV", $"{range}&granularity=hour&format=csv"),
            ("daily JSON", range),
        })
        {
            var path = $"/v1/reports/campaigns/{campaign}?{query}";
            var (bytes, _) = await GetAsync(client, path).ConfigureAwait(false); // warm-up
            var times = new List<double>();
            for (var i = 0; i < rounds; i++)
            {
                var (n, elapsed) = await GetAsync(client, path).ConfigureAwait(false);
                bytes = n;
                times.Add(elapsed.TotalMilliseconds);
            }

            times.Sort();
            var rows = name.StartsWith("hourly", StringComparison.Ordinal) ? days * 24 * creatives * placements : days * creatives * placements;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {rows:N0} | {bytes:N0} | {times[times.Count / 2]:0.0} | {times[0]:0.0} | {times[^1]:0.0} |"));
        }

        if (!args.Contains("--keep"))
        {
            await db.KeyDeleteAsync([.. keys.SelectMany(k => new[] { k, (RedisKey)k.ToString().Replace(":n:", ":p:", StringComparison.Ordinal) })]).ConfigureAwait(false);
        }
    }

    private static async Task<(long Bytes, TimeSpan Elapsed)> GetAsync(HttpClient client, string path)
    {
        var started = Stopwatch.GetTimestamp();
        using var response = await client.GetAsync(path).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(started);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{path}: {(int)response.StatusCode} {System.Text.Encoding.UTF8.GetString(body)}");
        }

        return (body.Length, elapsed);
    }

    /// <summary>Writes the hourly hashes (one per UTC day) and the daily ones (one per month) the counting script would have.</summary>
    private static async Task<List<RedisKey>> SeedAsync(IDatabase db, string prefix, string campaign, DateOnly first, DateOnly last, int creatives, int placements)
    {
        var random = new Random(42);
        var keys = new List<RedisKey>();
        var monthly = new Dictionary<string, Dictionary<string, long>>(StringComparer.Ordinal);
        var writes = new List<Task>();
        for (var day = first; day <= last; day = day.AddDays(1))
        {
            var utcDay = day.DayNumber - DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;
            var fields = new List<HashEntry>();
            var month = monthly.TryGetValue($"{day:yyyyMM}", out var m) ? m : monthly[$"{day:yyyyMM}"] = new(StringComparer.Ordinal);
            for (var hour = 0; hour < 24; hour++)
            {
                var h = ((long)utcDay * 24) + hour;
                for (var c = 0; c < creatives; c++)
                {
                    for (var p = 0; p < placements; p++)
                    {
                        var served = random.Next(50, 500);
                        var impressions = served * 9 / 10;
                        var counts = new[] { ("s", served), ("i", impressions), ("v", impressions * 6 / 10), ("c", impressions / 200) };
                        foreach (var (kind, count) in counts)
                        {
                            fields.Add(new HashEntry(string.Create(CultureInfo.InvariantCulture, $"{h}|placement-{p}|creative-{c}|{kind}"), count));
                            var daily = string.Create(CultureInfo.InvariantCulture, $"{day:yyyy-MM-dd}|placement-{p}|creative-{c}|{kind}");
                            month[daily] = month.GetValueOrDefault(daily) + count;
                        }
                    }
                }
            }

            var key = (RedisKey)string.Create(CultureInfo.InvariantCulture, $"{prefix}{{c:{campaign}}}:n:{utcDay}");
            keys.Add(key);
            writes.Add(db.HashSetAsync(key, [.. fields]));
        }

        foreach (var (month, fields) in monthly)
        {
            var key = (RedisKey)$"{prefix}{{c:{campaign}}}:m:{month}";
            keys.Add(key);
            writes.Add(db.HashSetAsync(key, [.. fields.Select(f => new HashEntry(f.Key, f.Value))]));
        }

        await Task.WhenAll(writes).ConfigureAwait(false);
        return keys;
    }
}
