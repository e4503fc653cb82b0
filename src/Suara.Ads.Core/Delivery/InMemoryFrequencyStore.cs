using System.Collections.Concurrent;

namespace Suara.Ads.Core.Delivery;

/// <summary>A single-process <see cref="IFrequencyStore"/> for tests: a hold counts at once and for good.</summary>
public sealed class InMemoryFrequencyStore : IFrequencyStore
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<FrequencyKey, int>> _viewers = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public ValueTask<ViewerHistory> GetAsync(string viewer, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_viewers.TryGetValue(viewer, out var counts)
            ? new ViewerHistory(new Dictionary<FrequencyKey, int>(counts))
            : ViewerHistory.Empty);

    /// <inheritdoc />
    public void Hold(string viewer, FrequencyKey key, Guid decisionId, DateTimeOffset now) =>
        _viewers.GetOrAdd(viewer, static _ => new()).AddOrUpdate(key, 1, static (_, n) => n + 1);
}
