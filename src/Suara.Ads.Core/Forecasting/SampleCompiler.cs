using Suara.Ads.Core.Catalog;
using Suara.Ads.Core.Selection;
using Suara.Ads.Core.Targeting;

namespace Suara.Ads.Core.Forecasting;

/// <summary>
/// Turns stored records into replayable requests. Strings, keyword sets, key-values and slot lists repeat across a
/// sample (a site has few sections, placements and page shapes), so they are interned: a million records take a few
/// hundred bytes each. Viewers are numbered once per compiler, so a viewer keeps its number across the days compiled
/// with it (caps per week or flight follow the viewer from day to day). Not thread-safe: one load at a time.
/// </summary>
public sealed class SampleCompiler
{
    private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlySet<string>> _keywordSets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyDictionary<string, string>> _kvs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SlotRequest[]> _slotLists = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _viewers = new(StringComparer.Ordinal);

    /// <summary>Viewers numbered so far.</summary>
    public int ViewerCount => _viewers.Count;

    /// <summary>Compiles one site-day from its counts and its records (records that cannot be replayed are skipped).</summary>
    public SampleDay Compile(string site, DateOnly date, SampleCounts counts, IEnumerable<SampleRecord> records)
    {
        var shards = new List<ReplayRequest>[ForecastReplay.ShardCount];
        for (var s = 0; s < shards.Length; s++)
        {
            shards[s] = [];
        }

        site = Intern(site);
        var index = 0;
        foreach (var record in records)
        {
            if (record.Slots.Count == 0 || record.Seconds is < 0 or >= 26 * 3600)
            {
                continue;
            }

            var viewer = record.Viewer is { Length: > 0 } digest ? ViewerNumber(digest) : -1;
            var request = new DecisionRequest
            {
                Site = site,
                Slots = Slots(record.Slots),
                UserId = viewer >= 0 ? "sampled-viewer" : null,
                Context = new TargetingContext
                {
                    Country = Intern(record.Country),
                    Region = Intern(record.Region),
                    Device = Intern(record.Device),
                    Os = Intern(record.Os),
                    Browser = Intern(record.Browser),
                    Language = Intern(record.Language),
                    Section = Intern(record.Section),
                    Path = Intern(record.Path),
                    // Only the path is recorded: a rule on url sees the path (docs/forecasting.md).
                    Url = Intern(record.Path),
                    Referrer = Intern(record.Referrer),
                    Keywords = Keywords(record.Keywords),
                    Kv = Kv(record.Kv),
                },
            };

            // A viewer's requests all go to one shard, so its caps are counted in one place.
            var shard = (viewer >= 0 ? viewer : index) % ForecastReplay.ShardCount;
            shards[shard].Add(new ReplayRequest(request, record.Seconds, viewer));
            index++;
        }

        var compiled = new ReplayRequest[shards.Length][];
        for (var s = 0; s < shards.Length; s++)
        {
            shards[s].Sort(static (a, b) => a.Seconds.CompareTo(b.Seconds));
            compiled[s] = [.. shards[s]];
        }

        return new SampleDay(site, date, counts, compiled);
    }

    private int ViewerNumber(string digest)
    {
        if (!_viewers.TryGetValue(digest, out var number))
        {
            number = _viewers.Count;
            _viewers.Add(digest, number);
        }

        return number;
    }

    private string Intern(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        if (!_strings.TryGetValue(value, out var interned))
        {
            _strings.Add(value, value);
            interned = value;
        }

        return interned;
    }

    private IReadOnlySet<string> Keywords(IReadOnlyList<string>? keywords)
    {
        keywords ??= [];
        var key = string.Join('\u001f', keywords.Order(StringComparer.OrdinalIgnoreCase));
        if (!_keywordSets.TryGetValue(key, out var set))
        {
            set = new HashSet<string>(keywords.Where(k => k.Length > 0).Select(Intern), StringComparer.OrdinalIgnoreCase);
            _keywordSets.Add(key, set);
        }

        return set;
    }

    private IReadOnlyDictionary<string, string> Kv(IReadOnlyDictionary<string, string>? kv)
    {
        var key = kv is not { Count: > 0 } ? "" : string.Join('\u001f', kv.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "\u001e" + p.Value));
        if (!_kvs.TryGetValue(key, out var dictionary))
        {
            var built = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            if (kv is not null)
            {
                foreach (var (k, v) in kv)
                {
                    built[Intern(k)] = Intern(v);
                }
            }

            dictionary = built;
            _kvs.Add(key, dictionary);
        }

        return dictionary;
    }

    private SlotRequest[] Slots(IReadOnlyList<SampleSlot> slots)
    {
        var key = string.Join('\u001d', slots.Select(s => $"{s.Id}\u001e{s.Placement}\u001e{(s.Sizes is null ? "" : string.Join(',', s.Sizes))}\u001e{(s.Kv is null ? "" : string.Join('\u001f', s.Kv.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value)))}"));
        if (!_slotLists.TryGetValue(key, out var list))
        {
            list = new SlotRequest[slots.Count];
            for (var i = 0; i < list.Length; i++)
            {
                var slot = slots[i];
                var sizes = slot.Sizes?.Select(text => CreativeSize.TryParse(text, out var size) ? size : default).ToArray();
                list[i] = new SlotRequest(Intern(slot.Id), Intern(slot.Placement), sizes) { Kv = slot.Kv is { Count: > 0 } ? Kv(slot.Kv) : null };
            }

            _slotLists.Add(key, list);
        }

        return list;
    }
}
