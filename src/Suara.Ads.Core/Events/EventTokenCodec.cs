using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Suara.Ads.Core.Delivery;

namespace Suara.Ads.Core.Events;

/// <summary>
/// Signs and verifies event tokens: a compact binary payload (version, event type, issued-at, decision id,
/// site, placement, campaign, creative, viewer digest) followed by a tag, as base64url. Verification compares the tag
/// in constant time. The payload is signed, not encrypted: it holds nothing personal, the viewer being only its keyed
/// <see cref="ViewerDigest"/>.
/// </summary>
/// <remarks>
/// Version 2 (issued now): one HMAC-SHA256 per ad, over the payload with its type byte zero, and each event's tag
/// is its own 10-byte slice of that MAC (impression bytes 0-9, viewable 10-19, click 20-29). So a filled slot costs
/// one MAC rather than three, and one token's tag tells nothing of another's: forging a click from an impression token
/// means guessing 80 bits, and a token whose type byte is changed fails its check. Version 1 (a 16-byte HMAC per
/// token over the whole payload) is still accepted, so that tokens issued before an upgrade count for their 24 hours.
/// Version 3 is version 2 with the ad's issuer and number (<see cref="AdSequencer"/>: 8 and 4 bytes after the decision
/// id), issued when the claims carry a <see cref="EventClaims.Sequence"/>; counting then de-duplicates the ad's events
/// in a bitmap. Version 4 is version 3 with the number counted per counting group rather than per campaign
/// (<see cref="EventClaims.SequencePerGroup"/>; docs/redis.md, "Counting groups"). Version 2 is still issued for an ad
/// without a number.
/// </remarks>
public sealed class EventTokenCodec
{
    /// <summary>How long a token is accepted.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    /// <summary>How far in the future a token's issue time may be (clocks of instances differ a little) before it is refused.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(60);

    /// <summary>Shortest accepted signing key, in characters.</summary>
    public const int MinKeyLength = 32;

    private const byte Version = 2;
    private const byte Version1 = 1;
    private const byte Version3 = 3;
    private const byte Version4 = 4;
    private const int SequenceLength = 8 + 4;
    private const int TagLength = 10;
    private const int Version1MacLength = 16;
    private const int MinPayloadLength = 2 + 8 + 16 + 5;
    private const int MaxStringBytes = 255;
    private const int MaxTokenLength = 2048;

    private readonly byte[] _key;

    // The one-shot HMACSHA256.HashData sets up a keyed context per call (about 1.5 µs on Linux); a keyed
    // IncrementalHash reused per thread costs less than half. IncrementalHash is not thread-safe, hence one per thread.
    private readonly ThreadLocal<IncrementalHash> _hmac;

    /// <summary>Creates a codec with <paramref name="signingKey"/> (32+ characters, the same on every instance).</summary>
    public EventTokenCodec(string signingKey)
    {
        ArgumentNullException.ThrowIfNull(signingKey);
        if (signingKey.Length < MinKeyLength)
        {
            throw new ArgumentException($"The signing key must have at least {MinKeyLength} characters.", nameof(signingKey));
        }

        _key = Encoding.UTF8.GetBytes(signingKey);
        _hmac = new ThreadLocal<IncrementalHash>(() => IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _key));
    }

    private void Mac(ReadOnlySpan<byte> payload, Span<byte> destination)
    {
        var hmac = _hmac.Value!;
        hmac.AppendData(payload);
        hmac.GetHashAndReset(destination);
    }

    /// <summary>Issues a token for <paramref name="claims"/>; its viewer must be empty or a <see cref="ViewerDigest"/>.</summary>
    public string Sign(EventClaims claims)
    {
        Span<byte> buffer = stackalloc byte[MaxPayloadLength + TagLength];
        Span<byte> mac = stackalloc byte[32];
        var n = SignPayload(claims, buffer, mac);
        return Encode(buffer, n, claims.Type, mac);
    }

    /// <summary>
    /// Issues the three tokens of one ad (<paramref name="claims"/> with any <see cref="EventClaims.Type"/>) for the
    /// price of one MAC.
    /// </summary>
    public AdTokens SignAd(EventClaims claims)
    {
        Span<byte> tokens = stackalloc byte[MaxAdTokensBytes];
        var length = SignAd(claims, tokens);
        return new AdTokens(
            Encoding.ASCII.GetString(tokens[..length]),
            Encoding.ASCII.GetString(tokens.Slice(length, length)),
            Encoding.ASCII.GetString(tokens.Slice(2 * length, length)));
    }

    /// <summary>
    /// The most bytes <see cref="SignAd(EventClaims, Span{byte})"/> writes: three tokens of the longest payload.
    /// </summary>
    public static readonly int MaxAdTokensBytes = 3 * Base64Url.GetEncodedLength(MaxPayloadLength + TagLength);

    /// <summary>
    /// Issues the three tokens of one ad, as <see cref="SignAd(EventClaims)"/> does, into <paramref name="destination"/>
    /// as ASCII (base64url), one after the other: impression, viewable, click, each as long as the others. Returns the
    /// length of one token. Nothing is allocated: what a page's answer writes straight into its JSON.
    /// </summary>
    public int SignAd(EventClaims claims, Span<byte> destination)
    {
        Span<byte> buffer = stackalloc byte[MaxPayloadLength + TagLength];
        Span<byte> mac = stackalloc byte[32];
        var n = SignPayload(claims, buffer, mac);
        var length = Base64Url.GetEncodedLength(n + TagLength);
        if (destination.Length < 3 * length)
        {
            throw new ArgumentException($"The destination needs {3 * length} bytes.", nameof(destination));
        }

        Encode(buffer, n, EventType.Impression, mac, destination[..length]);
        Encode(buffer, n, EventType.Viewable, mac, destination.Slice(length, length));
        Encode(buffer, n, EventType.Click, mac, destination.Slice(2 * length, length));
        return length;
    }

    private const int MaxPayloadLength = 1 + 1 + 8 + 16 + SequenceLength + (5 * (1 + MaxStringBytes));

    /// <summary>Writes the payload of <paramref name="claims"/> with a zero type byte and its MAC; returns the payload's length.</summary>
    private int SignPayload(EventClaims claims, Span<byte> buffer, Span<byte> mac)
    {
        ArgumentNullException.ThrowIfNull(claims);

        // A token is readable by whoever holds it (base64url is not encryption; an HTML creative reads its own click
        // URL): it may name a viewer only by the keyed digest, never by an id a page sent.
        if (claims.Viewer.Length > 0 && !ViewerDigest.IsDigest(claims.Viewer))
        {
            throw new ArgumentException("An event token names its viewer by the viewer's digest only, never by a raw id.", nameof(claims));
        }

        var numbered = claims.Sequence >= 0;
        if (numbered && (claims.Issuer == 0 || claims.Sequence > uint.MaxValue))
        {
            throw new ArgumentException("A numbered ad needs a non-zero issuer and a number that fits 32 bits.", nameof(claims));
        }

        var n = 0;
        buffer[n++] = !numbered ? Version : claims.SequencePerGroup ? Version4 : Version3;
        buffer[n++] = 0;
        BinaryPrimitives.WriteInt64BigEndian(buffer[n..], claims.IssuedAt.ToUnixTimeSeconds());
        n += 8;
        claims.DecisionId.TryWriteBytes(buffer[n..]);
        n += 16;
        if (numbered)
        {
            BinaryPrimitives.WriteUInt64BigEndian(buffer[n..], claims.Issuer);
            BinaryPrimitives.WriteUInt32BigEndian(buffer[(n + 8)..], (uint)claims.Sequence);
            n += SequenceLength;
        }

        n += WriteString(buffer[n..], claims.Site);
        n += WriteString(buffer[n..], claims.Placement);
        n += WriteString(buffer[n..], claims.Campaign);
        n += WriteString(buffer[n..], claims.Creative);
        n += WriteString(buffer[n..], claims.Viewer);
        Mac(buffer[..n], mac);
        return n;
    }

    /// <summary>The token of one event: the payload with its type, and the type's slice of the MAC.</summary>
    private static string Encode(Span<byte> buffer, int payloadLength, EventType type, ReadOnlySpan<byte> mac) =>
        Base64Url.EncodeToString(Stamped(buffer, payloadLength, type, mac));

    /// <summary>The token of one event, as <see cref="Encode(Span{byte}, int, EventType, ReadOnlySpan{byte})"/>, in ASCII bytes.</summary>
    private static void Encode(Span<byte> buffer, int payloadLength, EventType type, ReadOnlySpan<byte> mac, Span<byte> destination) =>
        Base64Url.EncodeToUtf8(Stamped(buffer, payloadLength, type, mac), destination);

    /// <summary>The bytes of one event's token before encoding: the payload with its type, and the type's slice of the MAC.</summary>
    private static ReadOnlySpan<byte> Stamped(Span<byte> buffer, int payloadLength, EventType type, ReadOnlySpan<byte> mac)
    {
        buffer[1] = (byte)type;
        Tag(mac, type).CopyTo(buffer[payloadLength..]);
        return buffer[..(payloadLength + TagLength)];
    }

    private static ReadOnlySpan<byte> Tag(ReadOnlySpan<byte> mac, EventType type) => mac.Slice(((int)type - 1) * TagLength, TagLength);

    /// <summary>Verifies <paramref name="token"/> at <paramref name="now"/>.</summary>
    public EventTokenStatus Verify(string? token, DateTimeOffset now, out EventClaims? claims)
    {
        claims = null;
        if (string.IsNullOrEmpty(token) || token.Length > MaxTokenLength)
        {
            return EventTokenStatus.Invalid;
        }

        var rented = ArrayPool<byte>.Shared.Rent(Base64Url.GetMaxDecodedLength(token.Length));
        try
        {
            if (Base64Url.DecodeFromChars(token, rented, out var consumed, out var written) != OperationStatus.Done
                || consumed != token.Length || written < 1)
            {
                return EventTokenStatus.Invalid;
            }

            // The version and type bytes are checked before the MAC only to pick how to check it; nothing is read
            // from a payload until its tag is good.
            var version = rented[0];
            var tagLength = version switch { Version or Version3 or Version4 => TagLength, Version1 => Version1MacLength, _ => 0 };
            var fixedLength = version is Version3 or Version4 ? MinPayloadLength + SequenceLength : MinPayloadLength;
            if (tagLength == 0 || written < fixedLength + tagLength || rented[1] is < 1 or > 3)
            {
                return EventTokenStatus.Invalid;
            }

            var payload = rented.AsSpan(0, written - tagLength);
            var tag = rented.AsSpan(written - tagLength, tagLength);
            var type = (EventType)payload[1];
            Span<byte> mac = stackalloc byte[32];
            if (version != Version1)
            {
                payload[1] = 0; // signed with a zero type byte: one MAC for the ad's three tokens
                Mac(payload, mac);
                payload[1] = (byte)type;
            }
            else
            {
                Mac(payload, mac);
            }

            ReadOnlySpan<byte> expected = version != Version1 ? Tag(mac, type) : mac[..Version1MacLength];
            if (!CryptographicOperations.FixedTimeEquals(expected, tag))
            {
                return EventTokenStatus.Invalid;
            }

            // The tag is good, so the payload is ours: parse it.

            var issued = DateTimeOffset.FromUnixTimeSeconds(BinaryPrimitives.ReadInt64BigEndian(payload[2..]));
            var decision = new Guid(payload.Slice(10, 16));
            var rest = payload[26..];
            ulong issuer = 0;
            long sequence = -1;
            if (version is Version3 or Version4)
            {
                issuer = BinaryPrimitives.ReadUInt64BigEndian(rest);
                sequence = BinaryPrimitives.ReadUInt32BigEndian(rest[8..]);
                rest = rest[SequenceLength..];
            }

            if (!TryReadString(ref rest, out var site) || !TryReadString(ref rest, out var placement)
                || !TryReadString(ref rest, out var campaign) || !TryReadString(ref rest, out var creative)
                || !TryReadString(ref rest, out var viewer) || !rest.IsEmpty)
            {
                return EventTokenStatus.Invalid;
            }

            claims = new EventClaims
            {
                Type = type,
                DecisionId = decision,
                IssuedAt = issued,
                Site = site,
                Placement = placement,
                Campaign = campaign,
                Creative = creative,
                Viewer = viewer,
                Issuer = issuer,
                Sequence = sequence,
                SequencePerGroup = version == Version4,
                TokenId = Base64Url.EncodeToString(tag),
            };
            return issued - now > ClockSkew ? EventTokenStatus.FromFuture
                : now - issued > Lifetime ? EventTokenStatus.Expired
                : EventTokenStatus.Valid;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static int WriteString(Span<byte> destination, string value)
    {
        var bytes = Encoding.UTF8.GetByteCount(value);
        if (bytes > MaxStringBytes)
        {
            // Catalog ids are at most 64 characters, so this does not happen in practice; should one ever be longer than a
            // length byte can say, its SHA-256 still tells it apart.
            Span<byte> hash = stackalloc byte[32];
            SHA256.HashData(Encoding.UTF8.GetBytes(value), hash);
            var hex = Convert.ToHexStringLower(hash);
            destination[0] = (byte)hex.Length;
            return 1 + Encoding.ASCII.GetBytes(hex, destination[1..]);
        }

        destination[0] = (byte)bytes;
        return 1 + Encoding.UTF8.GetBytes(value, destination[1..]);
    }

    private static bool TryReadString(ref Span<byte> source, out string value)
    {
        value = "";
        if (source.IsEmpty || source.Length < 1 + source[0])
        {
            return false;
        }

        value = Encoding.UTF8.GetString(source.Slice(1, source[0]));
        source = source[(1 + source[0])..];
        return true;
    }
}

/// <summary>The three event tokens of one ad, signed together (<see cref="EventTokenCodec.SignAd(EventClaims)"/>).</summary>
/// <param name="Impression">The impression token.</param>
/// <param name="Viewable">The viewable impression token.</param>
/// <param name="Click">The click token.</param>
public readonly record struct AdTokens(string Impression, string Viewable, string Click);

/// <summary>The outcome of verifying an event token.</summary>
public enum EventTokenStatus
{
    /// <summary>Genuine and fresh.</summary>
    Valid,
    /// <summary>Forged, altered or malformed.</summary>
    Invalid,
    /// <summary>Genuine but older than <see cref="EventTokenCodec.Lifetime"/>.</summary>
    Expired,
    /// <summary>Genuine but issued later than now, by more than <see cref="EventTokenCodec.ClockSkew"/>: not counted.</summary>
    FromFuture,
}
