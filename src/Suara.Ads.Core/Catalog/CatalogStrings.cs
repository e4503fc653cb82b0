namespace Suara.Ads.Core.Catalog;

/// <summary>
/// Shares equal strings and string lists between the entities of one catalog as they are read: a 100k-campaign catalog
/// repeats the same few statuses, priorities, placement ids, advertiser ids, labels, sizes and formats hundreds of
/// thousands of times, and without this each is a string of its own for as long as the catalog is in force.
/// Not thread-safe: one instance per load.
/// </summary>
/// <remarks>
/// Only settable properties are replaced, in place, on an entity that nobody else has seen yet (just deserialized);
/// lists become exact-size arrays, themselves shared when equal. Long strings (html, urls with a query) are left
/// alone: they rarely repeat and hashing them costs more than it saves.
/// </remarks>
public sealed class CatalogStrings
{
    /// <summary>Longest string looked up; longer ones are kept as they are.</summary>
    public const int MaxSharedLength = 128;

    private readonly Dictionary<string, string> _strings;
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _stringsBySpan;
    private readonly Dictionary<string, string[]> _lists;
    private readonly Dictionary<string, string[]>.AlternateLookup<ReadOnlySpan<char>> _listsBySpan;

    /// <summary>An empty set of shared strings, for one load.</summary>
    public CatalogStrings()
    {
        _strings = new(StringComparer.Ordinal);
        _stringsBySpan = _strings.GetAlternateLookup<ReadOnlySpan<char>>();
        _lists = new(StringComparer.Ordinal);
        _listsBySpan = _lists.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The shared instance equal to <paramref name="value"/>.</summary>
    public string Share(string value)
    {
        if (value is null || value.Length > MaxSharedLength)
        {
            return value!;
        }

        if (_strings.TryGetValue(value, out var shared))
        {
            return shared;
        }

        _strings[value] = value;
        return value;
    }

    /// <summary>
    /// The shared string equal to <paramref name="value"/>, allocated only the first time (a reader that decodes
    /// straight from UTF-8 passes the characters on the stack).
    /// </summary>
    public string Share(ReadOnlySpan<char> value)
    {
        if (value.Length > MaxSharedLength)
        {
            return value.ToString();
        }

        if (_stringsBySpan.TryGetValue(value, out var shared))
        {
            return shared;
        }

        shared = value.ToString();
        _strings[shared] = shared;
        return shared;
    }

    /// <summary>
    /// <see cref="Share(IReadOnlyList{string})"/> of items already shared (by <see cref="Share(ReadOnlySpan{char})"/>),
    /// without a list of them: the equal array when there is one, else a new one.
    /// </summary>
    public IReadOnlyList<string> ShareList(ReadOnlySpan<string> values)
    {
        if (values.Length == 0)
        {
            return [];
        }

        var length = values.Length - 1;
        foreach (var value in values)
        {
            length += value.Length;
        }

        string[] items;
        if (length > MaxSharedLength * 4)
        {
            items = values.ToArray();
            return items;
        }

        Span<char> key = stackalloc char[length];
        var at = 0;
        for (var i = 0; i < values.Length; i++)
        {
            if (i > 0)
            {
                key[at++] = '\u0001';
            }

            values[i].CopyTo(key[at..]);
            at += values[i].Length;
        }

        if (_listsBySpan.TryGetValue(key, out var shared) && shared.AsSpan().SequenceEqual(values))
        {
            return shared;
        }

        items = values.ToArray();
        _lists[key.ToString()] = items;
        return items;
    }

    /// <summary>An exact-size array of shared strings, itself shared with every equal list.</summary>
    public IReadOnlyList<string> Share(IReadOnlyList<string> values)
    {
        if (values is null || values.Count == 0)
        {
            return values is null ? null! : [];
        }

        var key = values.Count == 1 ? values[0] ?? "" : string.Join('\u0001', values);
        if (key.Length <= MaxSharedLength * 4 && _lists.TryGetValue(key, out var shared) && SameItems(shared, values))
        {
            return shared;
        }

        var items = new string[values.Count];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = Share(values[i]);
        }

        if (key.Length <= MaxSharedLength * 4)
        {
            _lists[key] = items;
        }

        return items;
    }

    private static bool SameItems(string[] shared, IReadOnlyList<string> values)
    {
        if (shared.Length != values.Count)
        {
            return false;
        }

        for (var i = 0; i < shared.Length; i++)
        {
            if (!string.Equals(shared[i], values[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Shares the strings of a freshly read entity (a site, placement, advertiser or campaign) and returns it.</summary>
    public T Share<T>(T entity)
        where T : class
    {
        switch (entity)
        {
            case Campaign c:
                c.AdvertiserId = Share(c.AdvertiserId);
                c.Status = Share(c.Status);
                c.Priority = Share(c.Priority);
                c.Pacing = Share(c.Pacing);
                c.Placements = Share(c.Placements);
                c.ExclusionLabels = Share(c.ExclusionLabels);
                if (c.Goal is { } goal)
                {
                    goal.Per = Share(goal.Per);
                }

                if (c.FrequencyCap is { } cap)
                {
                    cap.Per = Share(cap.Per);
                }

                if (c.Rate is { } rate)
                {
                    rate.Model = Share(rate.Model);
                    rate.Currency = Share(rate.Currency);
                }

                if (c.Creatives is { } creatives)
                {
                    var shared = new Creative[creatives.Count];
                    for (var i = 0; i < shared.Length; i++)
                    {
                        var creative = creatives[i];
                        if (creative is not null)
                        {
                            creative.Id = Share(creative.Id);
                            creative.Format = Share(creative.Format);
                            creative.Size = Share(creative.Size);
                            creative.ClickUrl = Share(creative.ClickUrl);
                            creative.Alt = Share(creative.Alt!);
                        }

                        shared[i] = creative!;
                    }

                    c.Creatives = shared;
                }

                break;
            case Placement p:
                p.Site = Share(p.Site);
                p.Sizes = Share(p.Sizes);
                p.Formats = Share(p.Formats);
                break;
        }

        return entity;
    }
}
