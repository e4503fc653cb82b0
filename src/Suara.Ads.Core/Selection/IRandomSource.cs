namespace Suara.Ads.Core.Selection;

/// <summary>Randomness for weighted choices, injected so that tests can fix a seed.</summary>
public interface IRandomSource
{
    /// <summary>A uniformly distributed number in [0, <paramref name="maxExclusive"/>).</summary>
    long NextInt64(long maxExclusive);
}

/// <summary>The process-wide thread-safe <see cref="Random.Shared"/>.</summary>
public sealed class SharedRandomSource : IRandomSource
{
    /// <summary>The single instance.</summary>
    public static SharedRandomSource Instance { get; } = new();

    /// <inheritdoc />
    public long NextInt64(long maxExclusive) => Random.Shared.NextInt64(maxExclusive);
}

/// <summary>A seeded, reproducible source (tests and benchmarks); thread-safe.</summary>
/// <param name="seed">The seed.</param>
public sealed class SeededRandomSource(int seed) : IRandomSource
{
    private readonly Random _random = new(seed);
    private readonly Lock _lock = new();

    /// <inheritdoc />
    public long NextInt64(long maxExclusive)
    {
        lock (_lock)
        {
            return _random.NextInt64(maxExclusive);
        }
    }
}
