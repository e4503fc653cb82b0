using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Xml;
using StackExchange.Redis;
using Suara.Ads.Server.Hosting;

namespace Suara.Ads.Server.Catalog;

/// <summary>An image's type, told from its bytes.</summary>
internal sealed record AssetType(string MediaType, string Extension);

/// <summary>
/// Hosted creative files: PNG, JPEG, GIF, WebP and SVG images, at most <see cref="MaxBytes"/>, stored in Redis under the
/// SHA-256 of their bytes (so the same file uploaded twice is one asset, and an asset never changes) and served by every
/// instance from memory. The type is told from the bytes, never taken on trust: the <c>Content-Type</c> of the upload
/// must agree with it.
/// </summary>
internal sealed class AssetStore
{
    public const int MaxBytes = 200 * 1024;

    /// <summary>The most bytes of assets one instance keeps in memory; beyond, the oldest-read are dropped and re-read from Redis when asked for.</summary>
    public const long MaxCachedBytes = 256L * 1024 * 1024;

    public static readonly IReadOnlyDictionary<string, AssetType> Types = new Dictionary<string, AssetType>(StringComparer.OrdinalIgnoreCase)
    {
        ["image/png"] = new("image/png", "png"),
        ["image/jpeg"] = new("image/jpeg", "jpg"),
        ["image/gif"] = new("image/gif", "gif"),
        ["image/webp"] = new("image/webp", "webp"),
        ["image/svg+xml"] = new("image/svg+xml", "svg"),
    };

    private readonly RedisConnection _redis;
    private readonly ConcurrentDictionary<string, (byte[] Bytes, AssetType Type)> _cache = new(StringComparer.Ordinal);
    private long _cachedBytes;

    public AssetStore(RedisConnection redis) => _redis = redis;

    public bool IsAvailable => _redis.IsConnected;

    /// <summary>What the bytes are, or <c>null</c> for anything that is not one of the five image types.</summary>
    public static AssetType? Sniff(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return Types["image/png"];
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            return Types["image/jpeg"];
        }

        if (bytes.StartsWith("GIF87a"u8) || bytes.StartsWith("GIF89a"u8))
        {
            return Types["image/gif"];
        }

        if (bytes.Length >= 12 && bytes.StartsWith("RIFF"u8) && bytes[8..12].SequenceEqual("WEBP"u8))
        {
            return Types["image/webp"];
        }

        return IsSvg(bytes) ? Types["image/svg+xml"] : null;
    }

    /// <summary>An SVG: well-formed XML whose root is <c>svg</c> (no DTD, so no entity tricks).</summary>
    private static bool IsSvg(ReadOnlySpan<byte> bytes)
    {
        try
        {
            using var stream = new MemoryStream(bytes.ToArray(), writable: false);
            using var reader = XmlReader.Create(stream, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreComments = true });
            while (reader.Read())
            {
                if (reader.NodeType == XmlNodeType.Element)
                {
                    if (reader.LocalName != "svg")
                    {
                        return false;
                    }

                    while (reader.Read())
                    {
                        // Read to the end: the whole document must be well-formed.
                    }

                    return true;
                }
            }

            return false;
        }
        catch (XmlException)
        {
            return false;
        }
    }

    /// <summary>The name an asset is served under: the SHA-256 of its bytes and its extension.</summary>
    public static string NameOf(ReadOnlySpan<byte> bytes, AssetType type) => Convert.ToHexStringLower(SHA256.HashData(bytes)) + "." + type.Extension;

    /// <summary>Stores the asset (a no-op when it is already there) and returns its name.</summary>
    public async Task<string> PutAsync(byte[] bytes, AssetType type)
    {
        var name = NameOf(bytes, type);
        await _redis.Database.HashSetAsync(Key(name), [new HashEntry("type", type.MediaType), new HashEntry("bytes", bytes)]).ConfigureAwait(false);
        Remember(name, bytes, type);
        return name;
    }

    /// <summary>The asset <paramref name="name"/>: from memory, else from Redis; <c>null</c> when there is none.</summary>
    public async Task<(byte[] Bytes, AssetType Type)?> GetAsync(string name)
    {
        if (_cache.TryGetValue(name, out var cached))
        {
            return cached;
        }

        var values = await _redis.Database.HashGetAsync(Key(name), ["type", "bytes"]).ConfigureAwait(false);
        if (values[0].IsNull || values[1].IsNull || !Types.TryGetValue((string)values[0]!, out var type))
        {
            return null;
        }

        var bytes = (byte[])values[1]!;
        Remember(name, bytes, type);
        return (bytes, type);
    }

    private void Remember(string name, byte[] bytes, AssetType type)
    {
        if (Interlocked.Add(ref _cachedBytes, bytes.Length) > MaxCachedBytes)
        {
            // Full: start again from nothing rather than keep a bookkeeping of use; assets are read back from Redis.
            _cache.Clear();
            Interlocked.Exchange(ref _cachedBytes, bytes.Length);
        }

        _cache[name] = (bytes, type);
    }

    private RedisKey Key(string name) => _redis.Key("{assets}:" + name);
}
