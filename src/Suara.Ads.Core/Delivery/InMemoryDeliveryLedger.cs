using Suara.Ads.Core.Counting;
using System.Runtime.CompilerServices;
using System.Collections.Concurrent;

namespace Suara.Ads.Core.Delivery;

/// <summary>
/// A single-process <see cref="IDeliveryLedger"/> for tests and benchmarks: every campaign is known, and a hold counts
/// as delivered at once and for good (there is no impression to confirm it here).
/// </summary>
public sealed class InMemoryDeliveryLedger : IDeliveryLedger
{
    private readonly ConcurrentDictionary<string, StrongBox<long>> _flight = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string, int), StrongBox<long>> _day = new();

    /// <inheritdoc />
    public bool TryGetFlightDelivered(string campaignId, out long delivered)
    {
        delivered = GetFlightDelivered(campaignId);
        return true;
    }

    /// <inheritdoc />
    public bool TryGetDayDelivered(string campaignId, int siteDay, out long delivered)
    {
        delivered = GetDayDelivered(campaignId, siteDay);
        return true;
    }

    /// <summary>Delivered over the flight.</summary>
    public long GetFlightDelivered(string campaignId) =>
        _flight.TryGetValue(campaignId, out var box) ? Volatile.Read(ref box.Value) : 0;

    /// <summary>Delivered on a site day.</summary>
    public long GetDayDelivered(string campaignId, int siteDay) =>
        _day.TryGetValue((campaignId, siteDay), out var box) ? Volatile.Read(ref box.Value) : 0;

    /// <inheritdoc />
    public void Hold(string campaignId, HoldKey hold)
    {
        var siteDay = hold.SiteDay;
        Interlocked.Increment(ref _flight.GetOrAdd(campaignId, static _ => new StrongBox<long>()).Value);
        Interlocked.Increment(ref _day.GetOrAdd((campaignId, siteDay), static _ => new StrongBox<long>()).Value);
    }

    /// <summary>Sets the flight count (for tests and for loading from a shared store).</summary>
    public void SetFlightDelivered(string campaignId, long delivered) =>
        Volatile.Write(ref _flight.GetOrAdd(campaignId, static _ => new StrongBox<long>()).Value, delivered);

    /// <summary>Sets a day count (for tests and for loading from a shared store).</summary>
    public void SetDayDelivered(string campaignId, int siteDay, long delivered) =>
        Volatile.Write(ref _day.GetOrAdd((campaignId, siteDay), static _ => new StrongBox<long>()).Value, delivered);
}
