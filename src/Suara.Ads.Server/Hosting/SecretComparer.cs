using System.Security.Cryptography;
using System.Text;

namespace Suara.Ads.Server.Hosting;

/// <summary>Secrets: compared in constant time, stored and logged only as hashes, generated with a CSPRNG.</summary>
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

    /// <summary>Whether two stored hashes (<see cref="Hash"/>) are equal, in constant time.</summary>
    public static bool HashEqual(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(a), Encoding.ASCII.GetBytes(b));

    /// <summary>A new random key of 43 URL-safe characters (256 bits).</summary>
    public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>How a key is stored: the lowercase hex SHA-256 of its UTF-8 bytes.</summary>
    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>The fingerprint of a key for the audit trail and logs: never the key itself.</summary>
    public static string Fingerprint(string key) => Hash(key)[..16];

    /// <summary>The bearer token of an <c>Authorization: Bearer …</c> header, or <c>null</c>.</summary>
    public static string? BearerToken(string? authorization)
    {
        const string Prefix = "Bearer ";
        return authorization is not null && authorization.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase)
            ? authorization[Prefix.Length..].Trim()
            : null;
    }
}
