using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Suara.Ads.Core.Events;

/// <summary>
/// Numbers the ads one process run serves, per campaign and UTC hour of issue, from 0: an ad's (issuer, campaign,
/// issue hour, number) is unique across the fleet and across restarts, so counting de-duplicates its events in a dense
/// bitmap per (campaign, issuer, hour) rather than a set of strings. <see cref="Issuer"/> is a random non-zero 64-bit id
/// drawn when the run starts: no Redis round trip, and two runs share one with a chance of about 2^-64 per pair.
/// </summary>
/// <remarks>
/// Lock-free: one compare-and-swap per ad on the campaign's counter (its hour in the high 32 bits, the next number in
/// the low ones). A campaign's counter only moves forward in time: an ad dated in an hour older than one already
/// numbered (the hour turning between two threads, or the clock stepped back) gets no number, and its tokens take the
/// version 2 path (a set of markers), as do the ads beyond <see cref="Limit"/> in one hour.
/// </remarks>
public sealed class AdSequencer
{
    /// <summary>Ads numbered per campaign and hour before the rest go unnumbered (74,565 a second for an hour).</summary>
    public const long Limit = 1L << 28;

    private readonly ConcurrentDictionary<string, Counter> _campaigns = new(StringComparer.Ordinal);

    /// <summary>Creates a sequencer with a fresh random <see cref="Issuer"/>, or the one given (tests).</summary>
    public AdSequencer(ulong issuer = 0)
    {
        Span<byte> bytes = stackalloc byte[8];
        while (issuer == 0)
        {
            RandomNumberGenerator.Fill(bytes);
            issuer = BitConverter.ToUInt64(bytes);
        }

        Issuer = issuer;
    }

    /// <summary>This run's id, carried by every token it issues with a number.</summary>
    public ulong Issuer { get; }

    /// <summary>The next number of <paramref name="campaign"/> in <paramref name="issueHour"/> (hours since the Unix epoch), or -1 for none.</summary>
    public long Next(string campaign, long issueHour)
    {
        var counter = _campaigns.TryGetValue(campaign, out var known) ? known : _campaigns.GetOrAdd(campaign, static _ => new Counter());
        return counter.Next(issueHour);
    }

    private sealed class Counter
    {
        private long _state; // hour << 32 | next number

        public long Next(long hour)
        {
            while (true)
            {
                var state = Volatile.Read(ref _state);
                var current = state >>> 32;
                long number;
                if (current == hour)
                {
                    number = state & uint.MaxValue;
                    if (number >= Limit)
                    {
                        return -1;
                    }
                }
                else if (current > hour || hour >= uint.MaxValue)
                {
                    return -1;
                }
                else
                {
                    number = 0;
                }

                if (Interlocked.CompareExchange(ref _state, (hour << 32) | (number + 1), state) == state)
                {
                    return number;
                }
            }
        }
    }
}
