using System.Runtime.CompilerServices;
using System.Collections.Concurrent;

namespace Suara.Ads.Core.Delivery;

/// <summary>A single-process <see cref="IDeliveryLedger"/>: exact, but not shared between instances.</summary>
public sealed class InMemoryDeliveryLedger : IDeliveryLedger
{
    private readonly ConcurrentDictionary<string, StrongBox<long>> _flight = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string, int), StrongBox<long>> _day = new();

    /// <inheritdoc />
    public long GetFlightServed(string campaignId) =>
        _flight.TryGetValue(campaignId, out var box) ? Volatile.Read(ref box.Value) : 0;

    /// <inheritdoc />
    public long GetDayServed(string campaignId, int siteDay) =>
        _day.TryGetValue((campaignId, siteDay), out var box) ? Volatile.Read(ref box.Value) : 0;

    /// <inheritdoc />
    public void RecordServed(string campaignId, int siteDay)
    {
        Interlocked.Increment(ref _flight.GetOrAdd(campaignId, static _ => new StrongBox<long>()).Value);
        Interlocked.Increment(ref _day.GetOrAdd((campaignId, siteDay), static _ => new StrongBox<long>()).Value);
    }

    /// <summary>Sets the flight count (for tests and for loading from a shared store).</summary>
    public void SetFlightServed(string campaignId, long served) =>
        Volatile.Write(ref _flight.GetOrAdd(campaignId, static _ => new StrongBox<long>()).Value, served);

    /// <summary>Sets a day count (for tests and for loading from a shared store).</summary>
    public void SetDayServed(string campaignId, int siteDay, long served) =>
        Volatile.Write(ref _day.GetOrAdd((campaignId, siteDay), static _ => new StrongBox<long>()).Value, served);
}
