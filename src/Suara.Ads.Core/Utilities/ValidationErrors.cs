namespace Suara.Ads.Core.Utilities;

/// <summary>Validation messages keyed by field path (e.g. <c>creatives[0].clickUrl</c>), in the order found.</summary>
public sealed class ValidationErrors
{
    // Created with the first error: a request that is fine allocates only this object.
    private Dictionary<string, List<string>>? _errors;

    /// <summary>Whether nothing was reported.</summary>
    public bool IsEmpty => Count == 0;

    /// <summary>Number of fields with at least one message.</summary>
    public int Count => _errors?.Count ?? 0;

    /// <summary>Adds <paramref name="message"/> for <paramref name="field"/>.</summary>
    public void Add(string field, string message)
    {
        _errors ??= new Dictionary<string, List<string>>(StringComparer.Ordinal);
        if (!_errors.TryGetValue(field, out var list))
        {
            list = [];
            _errors[field] = list;
        }

        list.Add(message);
    }

    /// <summary>Adds every message of <paramref name="other"/>, in its order, as if each were added here in turn.</summary>
    public void AddRange(ValidationErrors other)
    {
        ArgumentNullException.ThrowIfNull(other);
        foreach (var (field, messages) in other._errors ?? [])
        {
            foreach (var message in messages)
            {
                Add(field, message);
            }
        }
    }

    /// <summary>Whether <paramref name="field"/> has a message.</summary>
    public bool Contains(string field) => _errors?.ContainsKey(field) == true;

    /// <summary>The messages as the <c>errors</c> member of a problem body.</summary>
    public IDictionary<string, string[]> ToDictionary()
    {
        var result = new Dictionary<string, string[]>(Count, StringComparer.Ordinal);
        foreach (var (field, messages) in _errors ?? [])
        {
            result[field] = [.. messages];
        }

        return result;
    }

    /// <inheritdoc />
    public override string ToString() =>
        _errors is null ? "" : string.Join("; ", _errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"));
}
