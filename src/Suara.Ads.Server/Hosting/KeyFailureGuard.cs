using System.Collections.Concurrent;

namespace Suara.Ads.Server.Hosting;

/// <summary>
/// Counts bearer keys that were refused per client address, in one-minute windows of the injected clock: a client
/// that presents <see cref="MaxFailuresPerMinute"/> unknown keys within a minute gets 429 for any key until a full
/// minute has passed without that many, whether its next key is right or not. Keys cannot be guessed at any useful
/// rate, and a mistyped key now and then costs nothing. In memory, per instance; bounded like the flood windows.
/// </summary>
internal sealed class KeyFailureGuard
{
    /// <summary>Refused keys per client address and minute beyond which the address is held off.</summary>
    public const int MaxFailuresPerMinute = 20;

    /// <summary>Most addresses tracked at once; beyond it new addresses are not tracked until the next sweep.</summary>
    public const int MaxTracked = 100_000;

    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private long _sweptMinute;

    public KeyFailureGuard(TimeProvider time) => _time = time;

    /// <summary>Whether <paramref name="address"/> refused too many keys this minute or the last.</summary>
    public bool IsHeldOff(string address) =>
        _windows.TryGetValue(address, out var window) && window.Failures(Minute()) >= MaxFailuresPerMinute;

    /// <summary>Counts a refused key from <paramref name="address"/>.</summary>
    public void Failed(string address)
    {
        var minute = Minute();
        Sweep(minute);
        if (!_windows.TryGetValue(address, out var window))
        {
            if (_windows.Count >= MaxTracked)
            {
                return;
            }

            window = _windows.GetOrAdd(address, static _ => new Window());
        }

        window.Add(minute);
    }

    private long Minute() => _time.GetUtcNow().ToUnixTimeSeconds() / 60;

    private void Sweep(long minute)
    {
        var swept = Interlocked.Read(ref _sweptMinute);
        if (swept == minute || Interlocked.CompareExchange(ref _sweptMinute, minute, swept) != swept)
        {
            return;
        }

        foreach (var (address, window) in _windows)
        {
            if (window.Failures(minute) == 0)
            {
                _windows.TryRemove(address, out _);
            }
        }
    }

    /// <summary>Failures of this minute and the one before (a client held off stays so until a quiet minute).</summary>
    private sealed class Window
    {
        private readonly Lock _lock = new();
        private long _minute;
        private int _current;
        private int _previous;

        public void Add(long minute)
        {
            lock (_lock)
            {
                Roll(minute);
                _current++;
            }
        }

        public int Failures(long minute)
        {
            lock (_lock)
            {
                Roll(minute);
                return Math.Max(_current, _previous);
            }
        }

        private void Roll(long minute)
        {
            if (minute == _minute)
            {
                return;
            }

            _previous = minute == _minute + 1 ? _current : 0;
            _current = 0;
            _minute = minute;
        }
    }
}

/// <summary>Where a request comes from, for limits per client (the Traffic area's, which knows the trusted proxy header).</summary>
internal interface IClientAddressSource
{
    string Of(HttpContext http);
}
