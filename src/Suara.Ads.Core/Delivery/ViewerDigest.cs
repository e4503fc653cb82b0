using System.Security.Cryptography;
using System.Text;

namespace Suara.Ads.Core.Delivery;

/// <summary>
/// The pseudonymous form of a viewer id that leaves the decision: 24 hex digits of its SHA-256. Event tokens and
/// frequency state carry this, never the id the page sent, and any string is safe as a key.
/// </summary>
public static class ViewerDigest
{
    /// <summary>Length of a digest, in characters.</summary>
    public const int Length = 24;

    // The one-shot SHA256.HashData sets up and frees an OpenSSL context per call; a hash reused per thread does not
    // (the same reason the event token codec keeps its HMAC per thread). Every decision with a viewer takes one.
    [ThreadStatic]
    private static IncrementalHash? t_sha256;

    /// <summary>The digest of <paramref name="viewerId"/>.</summary>
    public static string Of(string viewerId)
    {
        ArgumentNullException.ThrowIfNull(viewerId);
        var sha256 = t_sha256 ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> hash = stackalloc byte[32];
        var max = Encoding.UTF8.GetMaxByteCount(viewerId.Length);
        if (max <= 1024)
        {
            Span<byte> utf8 = stackalloc byte[max];
            sha256.AppendData(utf8[..Encoding.UTF8.GetBytes(viewerId, utf8)]);
        }
        else
        {
            sha256.AppendData(Encoding.UTF8.GetBytes(viewerId));
        }

        sha256.GetHashAndReset(hash);
        return Convert.ToHexStringLower(hash[..(Length / 2)]);
    }
}
