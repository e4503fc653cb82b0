using Microsoft.Extensions.DependencyInjection;
using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;
using Suara.Ads.Core.Counting;
using Suara.Ads.Core.Snapshot;
using MsOptions = Microsoft.Extensions.Options.Options;

using Suara.Ads.Server.Delivery;
using Suara.Ads.Server.Events;
using Suara.Ads.Server.Hosting;
namespace Suara.Ads.Benchmarks.Counting;

/// <summary>
/// <c>--counting REDIS_CONFIG [--events N] [--rounds R]</c>: the flush path into a real Redis (not BenchmarkDotNet,
/// which cannot own a Redis). Everything goes through the server's own <see cref="CountingFlusher"/> and
/// <see cref="RedisCounterStore"/> (one script per campaign batch, all pipelined).
/// </summary>
/// <remarks>
/// <para>Part 1, one big flush (goal: 500 k events/s or more): fills an <see cref="EventAggregate"/> with N
/// impressions (distinct token ids) and N served ads over 100 campaigns, then times <c>FlushAsync</c>
/// (<c>TakeBatches</c> + every batch written and confirmed). Each round writes under a fresh key prefix, checks the
/// counters in Redis against what was added, and deletes its keys.</para>
/// <para>Part 2, steady traffic (goal: fewer than 1 Redis command per 100 events): 200 k events/s for 10 s of
/// simulated time, flushed every 250 ms (the default <c>Ads:FlushInterval</c>), so 40 flushes of 50 k events. It runs
/// as fast as it can; what matters is the number of events per flush. <c>CONFIG RESETSTAT</c> before and
/// <c>INFO commandstats</c> after give the commands Redis executed, split into commands sent by clients and
/// commands the scripts ran inside Redis.</para>
/// The connection string needs no <c>allowAdmin</c>: a second, admin connection is opened for the statistics.
/// </remarks>
internal static class CountingHarness
{
    private const int Campaigns = 100;
    private const int Creatives = 3;
    private const int Placements = 4;
    private const int SiteDay = 740_000;
    private static readonly long HoldBucket = Suara.Ads.Core.Delivery.DeliveryHolds.Bucket(DateTimeOffset.UtcNow);

    // Commands RedisCounterStore's script calls inside Redis (INFO commandstats counts them too).
    private static readonly HashSet<string> s_scriptCommands = new(StringComparer.Ordinal)
    {
        "zadd", "zremrangebyscore", "sadd", "smismember", "hincrby", "hexists", "hget", "hset", "hdel", "pfadd", "expire",
    };

    public static async Task RunAsync(string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith("--", StringComparison.Ordinal))
        {
            Console.Error.WriteLine("usage: --counting REDIS_CONFIG [--events N] [--rounds R]");
            return;
        }

        var configuration = args[0];
        var impressions = IntOption(args, "--events", 1_000_000);
        var rounds = IntOption(args, "--rounds", 5);
        var run = DateTime.UtcNow.ToString("HHmmss", CultureInfo.InvariantCulture);

        using var connection = new RedisConnection(MsOptions.Create(new RedisOptions { Configuration = configuration }));
        if (!connection.IsConnected)
        {
            throw new InvalidOperationException($"Cannot reach Redis at {configuration}.");
        }

        var adminConfig = ConfigurationOptions.Parse(configuration);
        adminConfig.AllowAdmin = true;
        using var admin = await ConnectionMultiplexer.ConnectAsync(adminConfig).ConfigureAwait(false);
        var server = admin.GetServer(admin.GetEndPoints()[0]);
        var hour = DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 3600;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Redis {server.Version} at {configuration}; {Campaigns} campaigns x {Creatives} creatives x {Placements} placements; .NET {Environment.Version}, {Environment.ProcessorCount} cores"));

        // Part 1: one big flush per round.
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Part 1: flush of {impressions:N0} impressions (distinct token ids) + {impressions:N0} served = {2L * impressions:N0} events, {rounds} rounds"));
        var rates = new List<double>();
        var random = new Random(1);
        var keys = MakeKeys(hour);
        for (var round = 1; round <= rounds; round++)
        {
            var prefix = $"cbench:{run}:r{round}:";
            var aggregate = new EventAggregate(capacity: 100_000_000);
            using var flusher = Flusher(connection, aggregate, prefix);
            var expected = new long[4];
            var fill = Stopwatch.StartNew();
            Fill(aggregate, keys, random, impressions, impressions, hour, expected);
            fill.Stop();
            var events = aggregate.Pending;
            GC.Collect();
            GC.WaitForPendingFinalizers();

            var redisCpu = await RedisCpuAsync(server).ConfigureAwait(false);
            var clientCpu = Process.GetCurrentProcess().TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            await flusher.FlushAsync().ConfigureAwait(false);
            sw.Stop();
            clientCpu = Process.GetCurrentProcess().TotalProcessorTime - clientCpu;
            redisCpu = await RedisCpuAsync(server).ConfigureAwait(false) - redisCpu;
            var retries = 0;
            while (aggregate.Pending > 0 && retries < 20)
            {
                // A batch that timed out was handed back; the script is idempotent, so write it again.
                retries++;
                await flusher.FlushAsync().ConfigureAwait(false);
            }

            var rate = events / sw.Elapsed.TotalSeconds;
            rates.Add(rate);
            var check = await CheckAsync(connection.Database, prefix, hour, expected).ConfigureAwait(false);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  round {round}: fill {events / fill.Elapsed.TotalSeconds / 1e6,5:F2} M events/s | flush {sw.Elapsed.TotalMilliseconds,7:F0} ms = {rate / 1e3,6:F0} k events/s ({impressions / sw.Elapsed.TotalSeconds / 1e3:F0} k beacons/s) | CPU: redis-server {redisCpu:F2} s, harness {clientCpu.TotalSeconds:F2} s | re-flushes {retries} | counters {check}"));
            await DeleteAsync(server, connection.Database, prefix).ConfigureAwait(false);
        }

        rates.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  flush: best {rates[^1] / 1e3:F0} k events/s, median {rates[rates.Count / 2] / 1e3:F0} k events/s (goal >= 500 k)"));

        await SteadyTrafficAsync(connection, server, random, keys, hour, run).ConfigureAwait(false);
    }

    private static async Task SteadyTrafficAsync(RedisConnection connection, IServer server, Random random, CounterKey[] keys, long hour, string run)
    {
        const int perSecond = 200_000;
        const int seconds = 10;
        const int intervalMs = 250;
        const int perFlush = perSecond / (1000 / intervalMs);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Part 2: steady traffic, {perSecond:N0} events/s for {seconds} s, flushed every {intervalMs} ms = {perFlush:N0} events per flush (half served, half beacons)"));

        var prefix = $"cbench:{run}:steady:";
        var aggregate = new EventAggregate();
        using var flusher = Flusher(connection, aggregate, prefix);
        var expected = new long[4];

        // Warm up the script cache and the connection, so the figures are those of a running server.
        Fill(aggregate, keys, random, 100, 100, hour, expected);
        await flusher.FlushAsync().ConfigureAwait(false);

        await server.ConfigResetStatisticsAsync().ConfigureAwait(false);
        var redisCpu = await RedisCpuAsync(server).ConfigureAwait(false);
        var clientCpu = Process.GetCurrentProcess().TotalProcessorTime;
        long events = 0;
        var flushTimes = new List<double>();
        for (var t = 0; t < seconds * 1000; t += intervalMs)
        {
            Fill(aggregate, keys, random, perFlush / 2, perFlush / 2, hour, expected);
            events += aggregate.Pending;
            var sw = Stopwatch.StartNew();
            await flusher.FlushAsync().ConfigureAwait(false);
            flushTimes.Add(sw.Elapsed.TotalMilliseconds);
            if (aggregate.Pending > 0)
            {
                throw new InvalidOperationException($"{aggregate.Pending} events were not written.");
            }
        }

        var stats = await server.InfoAsync("commandstats").ConfigureAwait(false);
        redisCpu = await RedisCpuAsync(server).ConfigureAwait(false) - redisCpu;
        clientCpu = Process.GetCurrentProcess().TotalProcessorTime - clientCpu;
        long client = 0;
        long inScript = 0;
        var breakdown = new List<string>();
        foreach (var (name, value) in stats.SelectMany(g => g))
        {
            var command = name.StartsWith("cmdstat_", StringComparison.Ordinal) ? name["cmdstat_".Length..] : name;
            if (command is "info" || command.StartsWith("config", StringComparison.Ordinal))
            {
                continue;
            }

            var calls = long.Parse(value.Split(',')[0]["calls=".Length..], CultureInfo.InvariantCulture);
            var usec = long.Parse(value.Split(',')[1]["usec=".Length..], CultureInfo.InvariantCulture);
            breakdown.Add(string.Create(CultureInfo.InvariantCulture, $"{command}={calls} ({usec / 1e6:F2} s)"));
            if (s_scriptCommands.Contains(command))
            {
                inScript += calls;
            }
            else
            {
                client += calls;
            }
        }

        flushTimes.Sort();
        var check = await CheckAsync(connection.Database, prefix, hour, expected).ConfigureAwait(false);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {events:N0} events in {flushTimes.Count} flushes; flush time median {flushTimes[flushTimes.Count / 2]:F1} ms, max {flushTimes[^1]:F1} ms ({events / flushTimes.Sum() * 1e3 / 1e3:F0} k events/s while flushing); counters {check}"));
        Console.WriteLine($"  commandstats (info and config excluded; calls and time inside Redis): {string.Join(' ', breakdown)}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  CPU over the 40 flushes (the harness's includes making the events): redis-server {redisCpu:F2} s, harness {clientCpu.TotalSeconds:F2} s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  commands sent to Redis: {client:N0} = {(double)client / events:F5} per event (goal < 0.01)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  commands run inside the scripts: {inScript:N0} = {(double)inScript / events:F3} per event; all commands executed: {(double)(client + inScript) / events:F3} per event"));
        await DeleteAsync(server, connection.Database, prefix).ConfigureAwait(false);
    }

    /// <summary>CPU seconds redis-server has used so far (user + system, all its threads).</summary>
    private static async Task<double> RedisCpuAsync(IServer server)
    {
        var cpu = (await server.InfoAsync("cpu").ConfigureAwait(false)).SelectMany(g => g).ToDictionary(p => p.Key, p => p.Value);
        return double.Parse(cpu["used_cpu_user"], CultureInfo.InvariantCulture) + double.Parse(cpu["used_cpu_sys"], CultureInfo.InvariantCulture);
    }

    private static readonly System.Diagnostics.Metrics.IMeterFactory s_meters =
        new Microsoft.Extensions.DependencyInjection.ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();

    private static CountingFlusher Flusher(RedisConnection connection, EventAggregate aggregate, string prefix)
    {
        var options = MsOptions.Create(new RedisOptions { KeyPrefix = prefix });
        var delivery = new DeliveryKeys(options);
        var metrics = new AdsMetrics(s_meters, aggregate, connection, new CatalogSnapshotHolder());
        var reach = new ReachBuffer(connection, new CounterKeys(options), TimeProvider.System, MsOptions.Create(new AdsOptions()));
        return new CountingFlusher(
            aggregate,
            new RedisCounterStore(connection, new CounterKeys(options), delivery, TimeProvider.System, new CatalogSnapshotHolder(), MsOptions.Create(new RetentionOptions())),
            new GroupCounterStore(connection, new CounterKeys(options), delivery, TimeProvider.System, new CatalogSnapshotHolder(), MsOptions.Create(new RetentionOptions()), reach),
            reach,
            new FrequencyWriteQueue(connection, delivery, TimeProvider.System),
            new RedisFrequencyStore(connection, delivery, new Microsoft.Extensions.Caching.Memory.MemoryCache(new Microsoft.Extensions.Caching.Memory.MemoryCacheOptions { SizeLimit = 1_000 }), TimeProvider.System),
            new RedisDeliveryLedger(connection, delivery, new CatalogSnapshotHolder(), TimeProvider.System, metrics, MsOptions.Create(new AdsOptions())),
            TimeProvider.System,
            MsOptions.Create(new AdsOptions()),
            NullLogger<CountingFlusher>.Instance,
            metrics);
    }

    /// <summary>One key per campaign × creative × placement × kind, the ids shared as in a catalog.</summary>
    private static CounterKey[] MakeKeys(long hour)
    {
        var keys = new CounterKey[Campaigns * Creatives * Placements * 4];
        var n = 0;
        for (var c = 0; c < Campaigns; c++)
        {
            var campaign = $"c-{c:D5}";
            for (var cr = 0; cr < Creatives; cr++)
            {
                var creative = $"cr-{c:D5}-{cr}";
                for (var p = 0; p < Placements; p++)
                {
                    var placement = string.Intern($"placement-{p}");
                    for (var k = 0; k < 4; k++)
                    {
                        keys[n++] = new CounterKey(campaign, creative, placement, hour, (CounterKind)k);
                    }
                }
            }
        }

        return keys;
    }

    /// <summary>Adds served ads and beacons (80% impressions, 16% viewable, 4% clicks) in random cells.</summary>
    private static void Fill(EventAggregate aggregate, CounterKey[] keys, Random random, int served, int beacons, long hour, long[] expected)
    {
        Span<byte> mac = stackalloc byte[16];
        for (var i = 0; i < served; i++)
        {
            var cell = random.Next(keys.Length / 4) * 4;
            if (!aggregate.AddServed(keys[cell], new HoldKey(HoldBucket, SiteDay)))
            {
                throw new InvalidOperationException("The aggregate refused a served ad.");
            }

            expected[0]++;
        }

        for (var i = 0; i < beacons; i++)
        {
            var roll = random.Next(100);
            var kind = roll < 80 ? 1 : roll < 96 ? 2 : 3;
            var cell = (random.Next(keys.Length / 4) * 4) + kind;
            random.NextBytes(mac);
            if (!aggregate.AddEvent(keys[cell], Base64Url.EncodeToString(mac), hour))
            {
                throw new InvalidOperationException("The aggregate refused a beacon.");
            }

            expected[kind]++;
        }
    }

    /// <summary>Sums the counters in Redis by kind and compares them with what was added.</summary>
    private static async Task<string> CheckAsync(IDatabase db, string prefix, long hour, long[] expected)
    {
        var keys = new CounterKeys(MsOptions.Create(new RedisOptions { KeyPrefix = prefix }));
        var actual = new long[4];
        for (var c = 0; c < Campaigns; c++)
        {
            foreach (var entry in await db.HashGetAllAsync(keys.Counters($"c-{c:D5}", hour / 24)).ConfigureAwait(false))
            {
                var field = (string)entry.Name!;
                var kind = field[^1] switch { 's' => 0, 'i' => 1, 'v' => 2, _ => 3 };
                actual[kind] += (long)entry.Value;
            }
        }

        var same = actual.AsSpan().SequenceEqual(expected);
        if (!same)
        {
            throw new InvalidOperationException($"Counters in Redis ({string.Join('/', actual)}) differ from what was added ({string.Join('/', expected)}).");
        }

        return string.Create(CultureInfo.InvariantCulture, $"ok ({actual[0]:N0} s, {actual[1]:N0} i, {actual[2]:N0} v, {actual[3]:N0} c)");
    }

    private static async Task DeleteAsync(IServer server, IDatabase db, string prefix)
    {
        var batch = new List<RedisKey>();
        await foreach (var key in server.KeysAsync(pattern: prefix + "*", pageSize: 1_000).ConfigureAwait(false))
        {
            batch.Add(key);
            if (batch.Count == 500)
            {
                await db.KeyDeleteAsync([.. batch]).ConfigureAwait(false);
                batch.Clear();
            }
        }

        if (batch.Count > 0)
        {
            await db.KeyDeleteAsync([.. batch]).ConfigureAwait(false);
        }
    }

    internal static int IntOption(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
