using Suara.Ads.Core.Events;

namespace Suara.Ads.Core.Tests.Events;

public sealed class EventTokenCodecTests
{
    private static readonly DateTimeOffset s_issued = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);
    private readonly EventTokenCodec _codec = new("k0123456789abcdef0123456789abcdef");

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
        Assert.Equal(22, claims.TokenId.Length);
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
}
