namespace Suara.Ads.Core.Utilities;

/// <summary>Validation messages keyed by field path (e.g. <c>creatives[0].clickUrl</c>), in the order found.</summary>
public sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    /// <summary>Whether nothing was reported.</summary>
    public bool IsEmpty => _errors.Count == 0;

    /// <summary>Number of fields with at least one message.</summary>
    public int Count => _errors.Count;

    /// <summary>Adds <paramref name="message"/> for <paramref name="field"/>.</summary>
    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            list = [];
            _errors[field] = list;
        }

        list.Add(message);
    }

    /// <summary>Whether <paramref name="field"/> has a message.</summary>
    public bool Contains(string field) => _errors.ContainsKey(field);

    /// <summary>The messages as the <c>errors</c> member of a problem body.</summary>
    public IDictionary<string, string[]> ToDictionary()
    {
        var result = new Dictionary<string, string[]>(_errors.Count, StringComparer.Ordinal);
        foreach (var (field, messages) in _errors)
        {
            result[field] = [.. messages];
        }

        return result;
    }

    /// <inheritdoc />
    public override string ToString() =>
        string.Join("; ", _errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"));
}
