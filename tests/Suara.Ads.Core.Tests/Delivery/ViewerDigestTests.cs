using System.Security.Cryptography;
using System.Text;
using Suara.Ads.Core.Delivery;

namespace Suara.Ads.Core.Tests.Delivery;

public sealed class ViewerDigestTests
{
    private readonly ViewerDigest _digest = new("k0123456789abcdef0123456789abcdef");

    [Fact]
    public void Of_SameIdAndSecret_IsStableLowercaseHex()
    {
        var digest = _digest.Of("aisha@example.com");
        Assert.Equal(digest, _digest.Of("aisha@example.com"));
        Assert.Equal(digest, new ViewerDigest("k0123456789abcdef0123456789abcdef").Of("aisha@example.com")); // every instance alike
        Assert.True(ViewerDigest.IsDigest(digest));
        Assert.NotEqual(digest, _digest.Of("aisha@example.org"));
    }

    [Fact]
    public void Of_OtherSecret_IsUnrelated() =>
        Assert.NotEqual(_digest.Of("reader-1"), new ViewerDigest("another-key-another-key-another-key").Of("reader-1"));

    [Fact]
    public void Of_IsKeyed_NotAPlainHashAnyoneCanRecompute()
    {
        // Whoever reads a token must not be able to test a guess of the id: neither the plain SHA-256 nor an HMAC
        // under the signing key itself (the digest has a key of its own, derived with a label).
        var id = "customer-000123";
        var plain = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id)))[..ViewerDigest.Length];
        var underSigningKey = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes("k0123456789abcdef0123456789abcdef"), Encoding.UTF8.GetBytes(id)))[..ViewerDigest.Length];
        Assert.NotEqual(plain, _digest.Of(id));
        Assert.NotEqual(underSigningKey, _digest.Of(id));
    }

    [Fact]
    public void Of_LongAndUnicodeIds_AreDigested()
    {
        Assert.True(ViewerDigest.IsDigest(_digest.Of(new string('v', 5000))));
        Assert.True(ViewerDigest.IsDigest(_digest.Of("pembaca-ğü-读者")));
        Assert.True(ViewerDigest.IsDigest(_digest.Of("")));
    }

    [Theory]
    [InlineData("", false)]
    [InlineData("0123456789abcdef01234567", true)]
    [InlineData("0123456789ABCDEF01234567", false)]
    [InlineData("0123456789abcdef0123456g", false)]
    [InlineData("0123456789abcdef012345678", false)]
    public void IsDigest_TellsTheShape(string value, bool expected) =>
        Assert.Equal(expected, ViewerDigest.IsDigest(value));
}
