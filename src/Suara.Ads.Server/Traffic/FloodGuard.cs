using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Suara.Ads.Server.Traffic;

/// <summary>
/// Counts decisions and beacons per viewer and per client address in one-minute windows (of the injected clock), and
/// says when one goes beyond its flood limit. In memory, per instance: behind a load balancer each instance applies
/// the limits to what it sees. Bounded: beyond <see cref="MaxTracked"/> keys, new keys are not tracked until the next
/// minute's sweep.
/// </summary>
internal sealed class FloodGuard
{
    public const int MaxTracked = 1_000_000;

    private readonly ConcurrentDictionary<(Counted What, string Who), Window> _windows = new();
    private readonly TimeProvider _time;
    private readonly TrafficOptions _options;
    private long _sweptMinute;

    public FloodGuard(TimeProvider time, IOptions<TrafficOptions> options)
    {
        _time = time;
        _options = options.Value;
    }

    /// <summary>Counts a decision; <c>true</c> when it is beyond a flood limit. Without an address (a backend's), only the viewer's limit applies.</summary>
    public bool Decision(string? viewer, string? address) =>
        (address is not null && Over((Counted.DecisionsOfAddress, address), _options.FloodDecisionsPerAddress))
        | (viewer is not null && Over((Counted.DecisionsOfViewer, viewer), _options.FloodDecisionsPerViewer));

    /// <summary>Counts a beacon; <c>true</c> when it is beyond a flood limit.</summary>
    public bool Event(string? viewer, string address) =>
        Over((Counted.EventsOfAddress, address), _options.FloodEventsPerAddress)
        | (viewer is not null && Over((Counted.EventsOfViewer, viewer), _options.FloodEventsPerViewer));

    private enum Counted : byte
    {
        DecisionsOfAddress,
        DecisionsOfViewer,
        EventsOfAddress,
        EventsOfViewer,
    }

    private bool Over((Counted What, string Who) key, int limit)
    {
        var minute = _time.GetUtcNow().ToUnixTimeSeconds() / 60;
        Sweep(minute);
        if (!_windows.TryGetValue(key, out var window))
        {
            if (_windows.Count >= MaxTracked)
            {
                return false;
            }

            window = _windows.GetOrAdd(key, static _ => new Window());
        }

        return window.Add(minute) > limit;
    }

    private void Sweep(long minute)
    {
        var swept = Interlocked.Read(ref _sweptMinute);
        if (swept == minute || Interlocked.CompareExchange(ref _sweptMinute, minute, swept) != swept)
        {
            return;
        }

        foreach (var (key, window) in _windows)
        {
            if (window.Minute < minute)
            {
                _windows.TryRemove(key, out _);
            }
        }
    }

    /// <summary>A minute and its count in one long (minute in the high 40 bits), updated without a lock.</summary>
    private sealed class Window
    {
        private const int CountBits = 24;
        private const long CountMask = (1L << CountBits) - 1;
        private long _state;

        public long Minute => Volatile.Read(ref _state) >> CountBits;

        public long Add(long minute)
        {
            while (true)
            {
                var state = Volatile.Read(ref _state);
                var count = (state >> CountBits) == minute ? state & CountMask : 0;
                if (count == CountMask)
                {
                    return count; // saturated: over any limit anyway
                }

                if (Interlocked.CompareExchange(ref _state, (minute << CountBits) | (count + 1), state) == state)
                {
                    return count + 1;
                }
            }
        }
    }
}
