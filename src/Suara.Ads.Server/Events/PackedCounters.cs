using System.Globalization;
using System.Text;
using StackExchange.Redis;

namespace Suara.Ads.Server.Events;

/// <summary>
/// The packed form of a closed UTC day's hourly counters (docs/redis.md, "Packed days"). The counting script writes a
/// day's hash one field per count (<c>HOUR|PLACEMENT|CREATIVE|KIND</c>); once the day is closed,
/// <see cref="CounterCompactor"/> moves the fields into one string of parts, each a line of the ids it uses and a line
/// per row with the row's counts together:
/// <code>
/// =ID|ID|ID…            the part's placement and creative ids, numbered from 0
/// HOUR|P|C|KIND=COUNT,KIND=COUNT    a row: its UTC hour, placement and creative by number, its counts
/// </code>
/// with rows in order of hour, placement and creative. A long hourly report then reads one string a day instead of
/// thousands of fields (Redis sends a few hundred kilobytes in microseconds where <c>HGETALL</c> walked the hash field by
/// field), and finds a row's ids by number rather than by text. A later pass may append another part (counts that came
/// after the first), so a row may appear more than once; readers add them up.
/// </summary>
internal static class PackedCounters
{
    /// <summary>The field of a day's hash being packed that holds the packing pass's id (not a count).</summary>
    public const string PassField = "#";

    /// <summary>Packs a day hash's fields into one part (the <see cref="PassField"/> and any field that is not a count are left out).</summary>
    public static byte[] Pack(IEnumerable<HashEntry> entries)
    {
        var rows = new SortedDictionary<(long Hour, string Placement, string Creative), StringBuilder>(Comparer<(long Hour, string Placement, string Creative)>.Create(static (a, b) =>
            a.Hour != b.Hour ? a.Hour.CompareTo(b.Hour) : a.Placement != b.Placement ? string.CompareOrdinal(a.Placement, b.Placement) : string.CompareOrdinal(a.Creative, b.Creative)));
        var ids = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var parts = ((string?)entry.Name)?.Split('|');
            if (parts is not { Length: 4 } || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var hour)
                || parts[1].Length == 0 || parts[3].Length == 0 || !entry.Value.TryParse(out long count))
            {
                continue;
            }

            ids.Add(parts[1]);
            ids.Add(parts[2]);
            if (!rows.TryGetValue((hour, parts[1], parts[2]), out var counts))
            {
                rows[(hour, parts[1], parts[2])] = counts = new StringBuilder();
            }
            else
            {
                counts.Append(',');
            }

            counts.Append(parts[3]).Append('=').Append(count.ToString(CultureInfo.InvariantCulture));
        }

        if (rows.Count == 0)
        {
            return [];
        }

        var numbers = ids.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => x.i, StringComparer.Ordinal);
        var text = new StringBuilder().Append('=').AppendJoin('|', ids).Append('\n');
        foreach (var ((hour, placement, creative), counts) in rows)
        {
            text.Append(CultureInfo.InvariantCulture, $"{hour}|{numbers[placement]}|{numbers[creative]}|").Append(counts).Append('\n');
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>
    /// Reads packed rows: <see cref="Next"/> meets each part's ids (a header) and each row; after a row,
    /// <see cref="NextCount"/> gives its counts until it answers false. A malformed line is skipped.
    /// </summary>
    public ref struct Reader
    {
        private ReadOnlySpan<byte> _rest;
        private ReadOnlySpan<byte> _counts;

        public Reader(ReadOnlySpan<byte> packed)
        {
            _rest = packed;
            _counts = default;
        }

        /// <summary>
        /// The next line: a part's header (<paramref name="ids"/> holds its ids separated by <c>|</c>; the numbers are
        /// -1), or a row (its hour's digits in <paramref name="ids"/>, its placement's and creative's numbers in the part).
        /// </summary>
        public bool Next(out bool header, out ReadOnlySpan<byte> ids, out int placement, out int creative)
        {
            while (!_rest.IsEmpty)
            {
                var end = _rest.IndexOf((byte)'\n');
                var line = end < 0 ? _rest : _rest[..end];
                _rest = end < 0 ? default : _rest[(end + 1)..];
                _counts = default;
                if (line.Length > 0 && line[0] == (byte)'=')
                {
                    (header, placement, creative) = (true, -1, -1);
                    ids = line[1..];
                    return true;
                }

                var first = line.IndexOf((byte)'|');
                if (first <= 0 || !Number(line[(first + 1)..], out placement, out var afterPlacement) || !Number(afterPlacement, out creative, out var rest))
                {
                    continue;
                }

                header = false;
                ids = line[..first];
                _counts = rest;
                return true;
            }

            (header, placement, creative) = (false, -1, -1);
            ids = default;
            return false;
        }

        /// <summary>The current row's next count: its kind code (<c>s</c>, <c>i</c>, <c>xb</c>…) and value.</summary>
        public bool NextCount(out ReadOnlySpan<byte> kind, out long count)
        {
            while (!_counts.IsEmpty)
            {
                var end = _counts.IndexOf((byte)',');
                var item = end < 0 ? _counts : _counts[..end];
                _counts = end < 0 ? default : _counts[(end + 1)..];
                var equals = item.IndexOf((byte)'=');
                if (equals > 0 && System.Buffers.Text.Utf8Parser.TryParse(item[(equals + 1)..], out count, out var used) && used == item.Length - equals - 1)
                {
                    kind = item[..equals];
                    return true;
                }
            }

            kind = default;
            count = 0;
            return false;
        }

        /// <summary>A number ended by <c>|</c>, and what follows the bar.</summary>
        private static bool Number(ReadOnlySpan<byte> text, out int value, out ReadOnlySpan<byte> rest)
        {
            var bar = text.IndexOf((byte)'|');
            rest = bar < 0 ? default : text[(bar + 1)..];
            return System.Buffers.Text.Utf8Parser.TryParse(text[..Math.Max(bar, 0)], out value, out var used) && used == bar && value >= 0;
        }
    }
}
