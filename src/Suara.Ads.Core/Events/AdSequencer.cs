using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Suara.Ads.Core.Events;

/// <summary>
/// Numbers the ads one process run serves, per campaign and UTC day of issue, from 0: an ad's (issuer, campaign,
/// issue day, number) is unique across the fleet and across restarts, so counting de-duplicates its events in a dense
/// bitmap per (campaign, issuer, day) rather than a set of strings. <see cref="Issuer"/> is a random non-zero 64-bit id
/// drawn when the run starts: no Redis round trip, and two runs share one with a chance of about 2^-64 per pair.
/// </summary>
/// <remarks>
/// Lock-free: one compare-and-swap per ad on the campaign's counter (its day in the high 32 bits, the next number in
/// the low ones). A campaign's counter only moves forward in time: an ad dated on a day older than one already
/// numbered (the day turning between two threads, or the clock stepped back) gets no number, and its tokens take the
/// version 2 path (a set of markers), as do the ads beyond <see cref="Limit"/> in one day.
/// </remarks>
public sealed class AdSequencer
{
    /// <summary>
    /// Ads numbered per campaign and day before the rest go unnumbered (12,427 a second all day): 3 bits an ad keep the
    /// highest bit offset, 3 × 2^30 - 1, within what Redis's BITFIELD addresses (2^32 - 1).
    /// </summary>
    public const long Limit = 1L << 30;

    private readonly ConcurrentDictionary<string, Counter> _campaigns = new(StringComparer.Ordinal);

    /// <summary>Creates a sequencer with a fresh random <see cref="Issuer"/>, or the one given (tests).</summary>
    /// <param name="issuer">The run's id; 0: a random one.</param>
    /// <param name="perGroup">Number ads per counting group (<see cref="Counting.CounterGroups"/>) rather than per campaign (token version 4).</param>
    public AdSequencer(ulong issuer = 0, bool perGroup = false)
    {
        PerGroup = perGroup;
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

    /// <summary>
    /// Whether numbers are per counting group and day (token version 4: counting sets the bits of a whole group with one
    /// <c>BITFIELD</c>) rather than per campaign and day (version 3).
    /// </summary>
    public bool PerGroup { get; }

    /// <summary>The next number of <paramref name="campaign"/> (of its group, <see cref="PerGroup"/>) on <paramref name="issueDay"/> (days since the Unix epoch, UTC), or -1 for none.</summary>
    public long Next(string campaign, long issueDay)
    {
        if (PerGroup)
        {
            campaign = Counting.CounterGroups.Owner(Counting.CounterGroups.Of(campaign));
        }

        var counter = _campaigns.TryGetValue(campaign, out var known) ? known : _campaigns.GetOrAdd(campaign, static _ => new Counter());
        return counter.Next(issueDay);
    }

    /// <summary>The UTC day of issue an ad issued at <paramref name="issuedAt"/> is numbered in.</summary>
    public static long DayOf(DateTimeOffset issuedAt) => issuedAt.ToUnixTimeSeconds() / 86_400;

    private sealed class Counter
    {
        private long _state; // day << 32 | next number

        public long Next(long day)
        {
            while (true)
            {
                var state = Volatile.Read(ref _state);
                var current = state >>> 32;
                long number;
                if (current == day)
                {
                    number = state & uint.MaxValue;
                    if (number >= Limit)
                    {
                        return -1;
                    }
                }
                else if (current > day || day >= uint.MaxValue)
                {
                    return -1;
                }
                else
                {
                    number = 0;
                }

                if (Interlocked.CompareExchange(ref _state, (day << 32) | (number + 1), state) == state)
                {
                    return number;
                }
            }
        }
    }
}
