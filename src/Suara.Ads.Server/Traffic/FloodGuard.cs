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

    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);
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
        (address is not null && Over("d:a:" + address, _options.FloodDecisionsPerAddress)) | (viewer is not null && Over("d:v:" + viewer, _options.FloodDecisionsPerViewer));

    /// <summary>Counts a beacon; <c>true</c> when it is beyond a flood limit.</summary>
    public bool Event(string? viewer, string address) =>
        Over("e:a:" + address, _options.FloodEventsPerAddress) | (viewer is not null && Over("e:v:" + viewer, _options.FloodEventsPerViewer));

    private bool Over(string key, int limit)
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

    private sealed class Window
    {
        private long _minute;
        private int _count;

        public long Minute => Volatile.Read(ref _minute);

        public int Add(long minute)
        {
            lock (this)
            {
                if (_minute != minute)
                {
                    _minute = minute;
                    _count = 0;
                }

                return ++_count;
            }
        }
    }
}
