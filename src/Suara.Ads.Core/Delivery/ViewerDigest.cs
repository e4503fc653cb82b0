using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Suara.Ads.Core.Delivery;

/// <summary>
/// The pseudonymous form of a viewer id that leaves the decision: 24 hex digits (96 bits) of its HMAC-SHA256 under a
/// server secret. Event tokens, frequency state and reach sketches carry this, never the id the page sent. Keyed, so
/// that nobody without the secret (a creative reading its own click URL, a reader of a token) can test guesses of an
/// id (an e-mail, a customer number) against it, or link the same reader across two ad servers.
/// </summary>
public sealed class ViewerDigest
{
    /// <summary>Length of a digest, in characters.</summary>
    public const int Length = 24;

    // Keys the viewer digest apart from the token MAC made with the same secret: the same bytes never serve two purposes.
    private static readonly byte[] s_label = "suara-ads/viewer-digest/v1"u8.ToArray();

    private static readonly SearchValues<char> s_hex = SearchValues.Create("0123456789abcdef");

    // A keyed IncrementalHash reused per thread, as in EventTokenCodec: the one-shot HMAC sets up a context per call,
    // and every decision with a viewer takes one digest. IncrementalHash is not thread-safe, hence one per thread.
    private readonly ThreadLocal<IncrementalHash> _hmac;

    /// <summary>Creates the digest of a deployment from its <paramref name="secret"/> (the event signing key: the same on every instance).</summary>
    public ViewerDigest(string secret)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        var key = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), s_label);
        _hmac = new ThreadLocal<IncrementalHash>(() => IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key));
    }

    /// <summary>The digest of <paramref name="viewerId"/>: lowercase hex, <see cref="Length"/> characters.</summary>
    public string Of(string viewerId)
    {
        ArgumentNullException.ThrowIfNull(viewerId);
        var hmac = _hmac.Value!;
        Span<byte> hash = stackalloc byte[32];
        var max = Encoding.UTF8.GetMaxByteCount(viewerId.Length);
        if (max <= 1024)
        {
            Span<byte> utf8 = stackalloc byte[max];
            hmac.AppendData(utf8[..Encoding.UTF8.GetBytes(viewerId, utf8)]);
        }
        else
        {
            hmac.AppendData(Encoding.UTF8.GetBytes(viewerId));
        }

        hmac.GetHashAndReset(hash);
        return Convert.ToHexStringLower(hash[..(Length / 2)]);
    }

    /// <summary>Whether <paramref name="value"/> has the shape of a digest (<see cref="Length"/> lowercase hex digits).</summary>
    public static bool IsDigest(ReadOnlySpan<char> value) => value.Length == Length && !value.ContainsAnyExcept(s_hex);
}
