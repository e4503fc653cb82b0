using System.Collections.Concurrent;

namespace Suara.Ads.Core.Delivery;

/// <summary>A single-process <see cref="IFrequencyStore"/> (tests, and single-instance use without Redis).</summary>
public sealed class InMemoryFrequencyStore : IFrequencyStore
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<FrequencyKey, int>> _viewers = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public ValueTask<ViewerHistory> GetAsync(string viewerId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_viewers.TryGetValue(viewerId, out var counts)
            ? new ViewerHistory(new Dictionary<FrequencyKey, int>(counts))
            : ViewerHistory.Empty);

    /// <inheritdoc />
    public void RecordServed(string viewerId, FrequencyKey key, TimeSpan retention) =>
        _viewers.GetOrAdd(viewerId, static _ => new()).AddOrUpdate(key, 1, static (_, n) => n + 1);
}
