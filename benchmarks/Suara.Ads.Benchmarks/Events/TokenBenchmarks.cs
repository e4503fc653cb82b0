using BenchmarkDotNet.Attributes;
using Suara.Ads.Benchmarks.Config;
using Suara.Ads.Core.Events;

namespace Suara.Ads.Benchmarks.Events;

/// <summary>Signing and verifying one event token with realistic claims (goal: 1 µs or less each).</summary>
[Config(typeof(BenchConfig))]
public class TokenBenchmarks
{
    private static readonly DateTimeOffset s_now = new(2026, 11, 29, 12, 0, 0, TimeSpan.FromHours(8));

    private EventTokenCodec _codec = null!;
    private EventClaims _claims = null!;
    private string _token = "";

    /// <summary>Creates the codec and one token to verify.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _codec = new EventTokenCodec("bench-signing-key-0123456789abcdef-0123456789");
        _claims = new EventClaims
        {
            Type = EventType.Impression,
            DecisionId = new Guid("6f9619ff-8b86-d011-b42d-00c04fc964ff"),
            IssuedAt = s_now.AddMinutes(-1),
            Site = "bench",
            Placement = "article-mrec-1",
            Campaign = "c-04217",
            Creative = "cr-00002",
            Viewer = "3f2c9a1e5b7d4e8f9a0b1c2d", // a ViewerDigest: tokens carry no raw id
            Issuer = 0x5eed5eed5eed5eed, // a numbered ad (version 3), as a server issues them
            Sequence = 123_456,
        };
        _token = _codec.Sign(_claims);
        if (Verify() != EventTokenStatus.Valid)
        {
            throw new InvalidOperationException("The token does not verify.");
        }
    }

    /// <summary>Encode the claims, HMAC-SHA256 them, base64url the result.</summary>
    [Benchmark]
    public string Sign() => _codec.Sign(_claims);

    /// <summary>The three tokens of one ad (impression, viewable, click) with one MAC: what a filled slot costs.</summary>
    [Benchmark]
    public AdTokens SignAd() => _codec.SignAd(_claims);

    /// <summary>Decode, recompute and compare the MAC, parse the claims.</summary>
    [Benchmark]
    public EventTokenStatus Verify() => _codec.Verify(_token, s_now, out _);
}
