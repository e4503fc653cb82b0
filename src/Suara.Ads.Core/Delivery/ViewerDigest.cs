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

    /// <summary>The digest of <paramref name="viewerId"/>.</summary>
    public static string Of(string viewerId)
    {
        ArgumentNullException.ThrowIfNull(viewerId);
        Span<byte> hash = stackalloc byte[32];
        var max = Encoding.UTF8.GetMaxByteCount(viewerId.Length);
        if (max <= 1024)
        {
            Span<byte> utf8 = stackalloc byte[max];
            SHA256.HashData(utf8[..Encoding.UTF8.GetBytes(viewerId, utf8)], hash);
        }
        else
        {
            SHA256.HashData(Encoding.UTF8.GetBytes(viewerId), hash);
        }

        return Convert.ToHexStringLower(hash[..(Length / 2)]);
    }
}
