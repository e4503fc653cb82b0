using System.Globalization;
using System.Text.Json;
using Suara.Ads.Core.Selection;

namespace Suara.Ads.Core.Forecasting;

/// <summary>
/// Which decision requests the traffic sample records, and what it keeps of one. A request with a viewer is sampled by
/// its viewer (the keyed digest decides), so a sampled viewer's every request is in the sample and frequency caps can
/// be replayed per viewer; a request without one is sampled at random.
/// </summary>
public static class TrafficSampling
{
    /// <summary>
    /// Whether a request of <paramref name="viewerDigest"/> (a <see cref="Delivery.ViewerDigest"/>, or <c>null</c>) is
    /// in a sample of <paramref name="rate"/>. The digest is a keyed hash, so its first 32 bits are uniform: a viewer is
    /// in or out for good, and a share <paramref name="rate"/> of viewers is in.
    /// </summary>
    public static bool Samples(string? viewerDigest, double rate)
    {
        if (rate <= 0)
        {
            return false;
        }

        if (rate >= 1)
        {
            return true;
        }

        if (viewerDigest is { Length: >= 8 } && uint.TryParse(viewerDigest.AsSpan(0, 8), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var bits))
        {
            return bits < rate * 4294967296.0;
        }

        return Random.Shared.NextDouble() < rate;
    }

    /// <summary>
    /// What the sample keeps of <paramref name="request"/>, decided <paramref name="seconds"/> after the site-local
    /// midnight: targeting's facts with the page's path (never its query), the referrer's host, the slots, and the
    /// viewer as its digest.
    /// </summary>
    public static SampleRecord Record(DecisionRequest request, string? viewerDigest, int seconds)
    {
        var context = request.Context;
        var slots = new SampleSlot[request.Slots.Count];
        for (var i = 0; i < slots.Length; i++)
        {
            var slot = request.Slots[i];
            slots[i] = new SampleSlot
            {
                Id = slot.Id,
                Placement = slot.Placement,
                Sizes = slot.Sizes is { Count: > 0 } sizes ? sizes.Select(s => s.ToString()).ToArray() : null,
                Kv = slot.Kv is { Count: > 0 } kv ? new Dictionary<string, string>(kv, StringComparer.Ordinal) : null,
            };
        }

        return new SampleRecord
        {
            Seconds = seconds,
            Viewer = viewerDigest,
            Country = Nonempty(context.Country),
            Region = Nonempty(context.Region),
            Device = Nonempty(context.Device),
            Os = Nonempty(context.Os),
            Browser = Nonempty(context.Browser),
            Language = Nonempty(context.Language),
            Section = Nonempty(context.Section),
            Path = Nonempty(PathOnly(context.Path)),
            Referrer = Nonempty(context.Referrer),
            Keywords = context.Keywords.Count > 0 ? context.Keywords.ToArray() : null,
            Kv = context.Kv.Count > 0 ? new Dictionary<string, string>(context.Kv, StringComparer.Ordinal) : null,
            Slots = slots,
        };
    }

    /// <summary>The stored form of a record (compact JSON).</summary>
    public static string Serialize(SampleRecord record) => JsonSerializer.Serialize(record, SampleJsonContext.Default.SampleRecord);

    /// <summary>A record from its stored form; <c>null</c> when it is not one (a record is never trusted to be well formed).</summary>
    public static SampleRecord? Deserialize(string text)
    {
        try
        {
            return JsonSerializer.Deserialize(text, SampleJsonContext.Default.SampleRecord);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // The request's path is already without its query; this holds even for a path that came with one.
    private static string PathOnly(string path)
    {
        var end = path.AsSpan().IndexOfAny('?', '#');
        return end < 0 ? path : path[..end];
    }

    private static string? Nonempty(string value) => value.Length == 0 ? null : value;
}
