using Suara.Ads.Core.Events;

namespace Suara.Ads.Core.Tests.Events;

public sealed class EventTokenCodecTests
{
    private static readonly DateTimeOffset s_issued = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);
    private const string Key = "k0123456789abcdef0123456789abcdef";
    private readonly EventTokenCodec _codec = new(Key);

    private static EventClaims Claims(string viewer = "0123456789abcdef01234567") => new()
    {
        Type = EventType.Viewable,
        DecisionId = Guid.Parse("0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"),
        IssuedAt = s_issued,
        Site = "suara",
        Placement = "article-top",
        Campaign = "skyway-london",
        Creative = "london-728",
        Viewer = viewer,
    };

    [Fact]
    public void SignThenVerify_RoundTripsEveryClaim()
    {
        var token = _codec.Sign(Claims());
        Assert.Matches("^[A-Za-z0-9_-]+$", token);
        Assert.Equal(EventTokenStatus.Valid, _codec.Verify(token, s_issued.AddMinutes(5), out var claims));
        Assert.Equal(Claims(), claims! with { TokenId = "" });
        Assert.Equal(14, claims.TokenId.Length); // a 10-byte tag
    }

    [Fact]
    public void Verify_AnyAlteredCharacter_IsInvalid()
    {
        var token = _codec.Sign(Claims());
        for (var i = 0; i < token.Length; i++)
        {
            var altered = token[..i] + (token[i] == 'A' ? 'B' : 'A') + token[(i + 1)..];
            Assert.Equal(EventTokenStatus.Invalid, _codec.Verify(altered, s_issued, out var claims));
            Assert.Null(claims);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a token")]
    [InlineData("AAAA")]
    [InlineData("%%%")]
    public void Verify_Garbage_IsInvalid(string token) =>
        Assert.Equal(EventTokenStatus.Invalid, _codec.Verify(token, s_issued, out _));

    [Fact]
    public void Verify_OtherKey_IsInvalid()
    {
        var other = new EventTokenCodec("another-key-another-key-another-key");
        Assert.Equal(EventTokenStatus.Invalid, other.Verify(_codec.Sign(Claims()), s_issued, out _));
    }

    [Fact]
    public void Verify_OlderThan24Hours_IsExpired()
    {
        var token = _codec.Sign(Claims());
        Assert.Equal(EventTokenStatus.Valid, _codec.Verify(token, s_issued.AddHours(24), out _));
        Assert.Equal(EventTokenStatus.Expired, _codec.Verify(token, s_issued.AddHours(24).AddSeconds(1), out var claims));
        Assert.NotNull(claims);
    }

    [Theory]
    [InlineData("viewer-1")]
    [InlineData("aisha@example.com")]
    [InlineData("0123456789ABCDEF01234567")] // upper case: not what ViewerDigest writes
    [InlineData("0123456789abcdef0123456")]
    public void Sign_ViewerThatIsNotADigest_IsRefused(string viewer) =>
        Assert.Throws<ArgumentException>(() => _codec.Sign(Claims(viewer)));

    [Fact]
    public void Sign_NoViewer_RoundTripsEmpty()
    {
        Assert.Equal(EventTokenStatus.Valid, _codec.Verify(_codec.Sign(Claims("")), s_issued, out var claims));
        Assert.Equal("", claims!.Viewer);
    }

    [Fact]
    public void Constructor_ShortKey_IsRefused() =>
        Assert.Throws<ArgumentException>(() => new EventTokenCodec("short"));

    [Fact]
    public void SignAd_GivesThreeTokens_EachValidAsItsOwnType_WithTagsOfTheirOwn()
    {
        var tokens = _codec.SignAd(Claims());
        var seen = new HashSet<string>();
        foreach (var (token, type) in new[] { (tokens.Impression, EventType.Impression), (tokens.Viewable, EventType.Viewable), (tokens.Click, EventType.Click) })
        {
            Assert.Equal(EventTokenStatus.Valid, _codec.Verify(token, s_issued, out var claims));
            Assert.Equal(Claims() with { Type = type }, claims! with { TokenId = "" });
            Assert.True(seen.Add(claims.TokenId), "two events of one ad share a tag");
        }

        Assert.Equal(_codec.Sign(Claims() with { Type = EventType.Click }), tokens.Click);
    }

    [Fact]
    public void Verify_ATokenWhoseTypeWasChanged_IsInvalid()
    {
        // An impression token made into a click (or any other type) keeps the impression's tag: it must not pass.
        var bytes = System.Buffers.Text.Base64Url.DecodeFromChars(_codec.SignAd(Claims()).Impression);
        foreach (var type in new byte[] { (byte)EventType.Viewable, (byte)EventType.Click })
        {
            bytes[1] = type;
            Assert.Equal(EventTokenStatus.Invalid, _codec.Verify(System.Buffers.Text.Base64Url.EncodeToString(bytes), s_issued, out var claims));
            Assert.Null(claims);
        }
    }

    [Fact]
    public void Verify_AVersion1Token_IssuedBeforeAnUpgrade_StillCounts()
    {
        // Version 1, written here by hand as it was issued: version, type, issued-at, decision id, five length-prefixed
        // strings, then the first 16 bytes of the HMAC-SHA256 of all that.
        var claims = Claims() with { Type = EventType.Click };
        var payload = new List<byte> { 1, (byte)claims.Type };
        var issued = new byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(issued, claims.IssuedAt.ToUnixTimeSeconds());
        payload.AddRange(issued);
        payload.AddRange(claims.DecisionId.ToByteArray());
        foreach (var value in new[] { claims.Site, claims.Placement, claims.Campaign, claims.Creative, claims.Viewer })
        {
            payload.Add((byte)value.Length);
            payload.AddRange(System.Text.Encoding.UTF8.GetBytes(value));
        }

        var mac = System.Security.Cryptography.HMACSHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Key), payload.ToArray());
        var token = System.Buffers.Text.Base64Url.EncodeToString([.. payload, .. mac[..16]]);

        Assert.Equal(EventTokenStatus.Valid, _codec.Verify(token, s_issued.AddHours(1), out var read));
        Assert.Equal(claims, read! with { TokenId = "" });
        Assert.Equal(22, read.TokenId.Length);
        mac[0] ^= 1;
        Assert.Equal(EventTokenStatus.Invalid, _codec.Verify(System.Buffers.Text.Base64Url.EncodeToString([.. payload, .. mac[..16]]), s_issued, out _));
    }

    [Fact]
    public void SignAd_ANumberedAd_IsVersion3_AndRoundTripsIssuerAndNumber()
    {
        var numbered = Claims() with { Issuer = 0xf0e1d2c3b4a59687, Sequence = uint.MaxValue };
        var tokens = _codec.SignAd(numbered);
        foreach (var (token, type) in new[] { (tokens.Impression, EventType.Impression), (tokens.Viewable, EventType.Viewable), (tokens.Click, EventType.Click) })
        {
            var bytes = System.Buffers.Text.Base64Url.DecodeFromChars(token);
            Assert.Equal(3, bytes[0]);
            Assert.Equal(EventTokenStatus.Valid, _codec.Verify(token, s_issued, out var claims));
            Assert.Equal(numbered with { Type = type }, claims! with { TokenId = "" });
        }

        // Without a number: version 2, as before, and no issuer read back.
        Assert.Equal(2, System.Buffers.Text.Base64Url.DecodeFromChars(_codec.SignAd(Claims()).Impression)[0]);
        Assert.Equal(EventTokenStatus.Valid, _codec.Verify(_codec.Sign(Claims()), s_issued, out var plain));
        Assert.Equal((0UL, -1L), (plain!.Issuer, plain.Sequence));
    }

    [Fact]
    public void SignAd_AnAdNumberedInItsGroup_IsVersion4_AndCannotBeReadAsVersion3()
    {
        var numbered = Claims() with { Issuer = 7, Sequence = 41, SequencePerGroup = true };
        var token = _codec.SignAd(numbered).Impression;
        var bytes = System.Buffers.Text.Base64Url.DecodeFromChars(token);
        Assert.Equal(4, bytes[0]);
        Assert.Equal(EventTokenStatus.Valid, _codec.Verify(token, s_issued, out var claims));
        Assert.Equal(numbered with { Type = EventType.Impression }, claims! with { TokenId = "" });

        // The version byte is signed: a number per group cannot pass for one per campaign, or back.
        bytes[0] = 3;
        Assert.Equal(EventTokenStatus.Invalid, _codec.Verify(System.Buffers.Text.Base64Url.EncodeToString(bytes), s_issued, out _));
    }

    [Fact]
    public void Verify_AVersion3TokenWithAnAlteredNumberOrIssuer_IsInvalid()
    {
        var bytes = System.Buffers.Text.Base64Url.DecodeFromChars(_codec.Sign(Claims() with { Issuer = 7, Sequence = 41 }));
        foreach (var at in new[] { 26, 33, 34, 37 }) // issuer bytes 26-33, number bytes 34-37
        {
            var altered = (byte[])bytes.Clone();
            altered[at] ^= 1;
            Assert.Equal(EventTokenStatus.Invalid, _codec.Verify(System.Buffers.Text.Base64Url.EncodeToString(altered), s_issued, out _));
        }

        // Nor can a version 2 token be read as version 3 (or back): the version byte is signed.
        var v2 = System.Buffers.Text.Base64Url.DecodeFromChars(_codec.Sign(Claims()));
        v2[0] = 3;
        Assert.Equal(EventTokenStatus.Invalid, _codec.Verify(System.Buffers.Text.Base64Url.EncodeToString(v2), s_issued, out _));
    }

    [Theory]
    [InlineData(0UL, 5L)]
    [InlineData(9UL, 1L + uint.MaxValue)]
    public void Sign_ANumberWithoutIssuerOrTooLarge_IsRefused(ulong issuer, long sequence) =>
        Assert.Throws<ArgumentException>(() => _codec.SignAd(Claims() with { Issuer = issuer, Sequence = sequence }));
}
