using System.Collections.Concurrent;

namespace Suara.Ads.Core.Utilities;

/// <summary>
/// Remembers what a pure function of a string gave, for the most recent keys: at most <c>capacity</c> keys of at most
/// <c>maxKeyLength</c> characters, and when full it starts again empty (no eviction order to keep; a flood of new keys
/// costs the function each time and a bounded amount of memory). Thread-safe; a lookup of a remembered key allocates
/// nothing. For values that traffic repeats: User-Agents, page URLs, referrers.
/// </summary>
/// <typeparam name="TValue">What the function gives.</typeparam>
public sealed class BoundedMemo<TValue>
{
    private readonly ConcurrentDictionary<string, TValue> _remembered = new(StringComparer.Ordinal);
    private readonly Func<string, TValue> _compute;
    private readonly int _capacity;
    private readonly int _maxKeyLength;
    private int _count;

    /// <param name="compute">The function; it must give the same value for the same key every time.</param>
    /// <param name="capacity">The most keys remembered at once.</param>
    /// <param name="maxKeyLength">The longest key remembered; longer ones are computed each time.</param>
    public BoundedMemo(Func<string, TValue> compute, int capacity, int maxKeyLength)
    {
        ArgumentNullException.ThrowIfNull(compute);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxKeyLength, 0);
        _compute = compute;
        _capacity = capacity;
        _maxKeyLength = maxKeyLength;
    }

    /// <summary>How many keys are remembered now (for tests).</summary>
    public int Count => _remembered.Count;

    /// <summary>The function's value for <paramref name="key"/>, remembered or computed.</summary>
    public TValue Get(string key)
    {
        if (key.Length > _maxKeyLength)
        {
            return _compute(key);
        }

        if (_remembered.TryGetValue(key, out var known))
        {
            return known;
        }

        var value = _compute(key);
        if (Interlocked.Increment(ref _count) > _capacity)
        {
            _remembered.Clear();
            Interlocked.Exchange(ref _count, 1);
        }

        _remembered.TryAdd(key, value);
        return value;
    }
}
