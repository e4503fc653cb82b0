using System.Buffers.Text;
using BenchmarkDotNet.Attributes;
using Suara.Ads.Benchmarks.Config;
using Suara.Ads.Core.Counting;

namespace Suara.Ads.Benchmarks.Counting;

/// <summary>
/// The in-process counting aggregate on one thread (goal: 5 M events/s or more). One operation adds
/// <see cref="EventsPerOperation"/> events and <c>OperationsPerInvoke</c> makes every figure per event:
/// events/s = 1e9 / Mean (ns).
/// </summary>
/// <remarks>
/// The mix per 10 events: 5 served ads (<c>AddServed</c>), 4 impressions, 0.8 viewable, 0.2 clicks (beacons, each
/// with its own token id) over 50 campaigns × 3 creatives × 4 placements in one hour. Keys and the 22-character
/// token ids (base64url of 16 random bytes, the shape of a real token's MAC) are made in <c>[GlobalSetup]</c>, so
/// only the aggregate is measured.
/// </remarks>
[Config(typeof(BenchConfig))]
public class AggregateBenchmarks
{
    /// <summary>Events added per operation.</summary>
    public const int EventsPerOperation = 10_000;

    private const int Campaigns = 50;
    private const int Creatives = 3;
    private const int Placements = 4;
    private const long Hour = 499_000;

    private CounterKey[] _keys = [];
    private bool[] _isServed = [];
    private string[] _tokens = [];
    private EventAggregate _aggregate = null!;

    /// <summary>Builds the event stream and a warm aggregate.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _keys = new CounterKey[EventsPerOperation];
        _isServed = new bool[EventsPerOperation];
        _tokens = new string[EventsPerOperation];
        Span<byte> mac = stackalloc byte[16];
        for (var i = 0; i < EventsPerOperation; i++)
        {
            var campaign = random.Next(Campaigns);
            var slot = i % 10;
            var kind = slot < 5 ? CounterKind.Served : slot < 9 ? CounterKind.Impression : random.Next(5) == 0 ? CounterKind.Click : CounterKind.Viewable;
            _keys[i] = new CounterKey(
                $"c-{campaign:D5}",
                $"cr-{campaign:D5}-{random.Next(Creatives)}",
                $"placement-{random.Next(Placements)}",
                Hour,
                kind);
            _isServed[i] = kind == CounterKind.Served;
            random.NextBytes(mac);
            _tokens[i] = Base64Url.EncodeToString(mac);
        }

        // The id strings of a real catalog are shared by all keys that name them; intern so the keys do too.
        for (var i = 0; i < EventsPerOperation; i++)
        {
            var k = _keys[i];
            _keys[i] = k with { Campaign = string.Intern(k.Campaign), Creative = string.Intern(k.Creative), Placement = string.Intern(k.Placement) };
        }

        _aggregate = new EventAggregate();
        if (AddAndFlush() != EventsPerOperation)
        {
            throw new InvalidOperationException("The aggregate refused events.");
        }
    }

    /// <summary>
    /// Steady state: adds the events, then takes the batches and completes them (what the flusher does after a
    /// successful write), so the next operation starts from an empty aggregate with warm collections.
    /// </summary>
    [Benchmark(OperationsPerInvoke = EventsPerOperation)]
    public int AddAndFlush()
    {
        var added = Add(_aggregate);
        foreach (var batch in _aggregate.TakeBatches())
        {
            _aggregate.Complete(batch);
        }

        return added;
    }

    /// <summary>Only the adds, into a new aggregate each time (so its collections grow from empty).</summary>
    [Benchmark(OperationsPerInvoke = EventsPerOperation)]
    public int AddToNewAggregate() => Add(new EventAggregate());

    private int Add(EventAggregate aggregate)
    {
        var added = 0;
        var keys = _keys;
        var served = _isServed;
        var tokens = _tokens;
        for (var i = 0; i < keys.Length; i++)
        {
            var ok = served[i] ? aggregate.AddServed(keys[i], new HoldKey(356_000_000, 740_000)) : aggregate.AddEvent(keys[i], tokens[i], Hour);
            added += ok ? 1 : 0;
        }

        return added;
    }
}
