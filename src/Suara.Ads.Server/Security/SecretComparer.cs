using System.Security.Cryptography;
using System.Text;

namespace Suara.Ads.Server.Security;

/// <summary>Compares secrets in constant time (independent of where they differ, and of their lengths).</summary>
internal static class SecretComparer
{
    public static bool Equal(string? presented, string expected)
    {
        if (presented is null)
        {
            return false;
        }

        // Hash both sides first, so the comparison takes as long for a wrong length as for a wrong byte.
        Span<byte> a = stackalloc byte[32];
        Span<byte> b = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(presented), a);
        SHA256.HashData(Encoding.UTF8.GetBytes(expected), b);
        return CryptographicOperations.FixedTimeEquals(a, b);
    }

    /// <summary>A new random key of 43 URL-safe characters (256 bits).</summary>
    public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The bearer token of an <c>Authorization: Bearer …</c> header, or <c>null</c>.</summary>
    public static string? BearerToken(string? authorization)
    {
        const string Prefix = "Bearer ";
        return authorization is not null && authorization.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase)
            ? authorization[Prefix.Length..].Trim()
            : null;
    }
}
