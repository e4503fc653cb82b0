using CsCheck;
using Suara.Ads.Core.Catalog;

namespace Suara.Ads.Core.Tests.Catalog;

/// <summary>
/// The validator decides most URLs without a <see cref="Uri"/> (<see cref="CatalogValidator.IsPlainHttpUrl"/>,
/// <see cref="CatalogValidator.IsPlainPath"/>). Those shortcuts may only say yes where <see cref="Uri"/> says yes: random
/// URLs made of the characters that matter are held to that.
/// </summary>
public sealed class UrlCheckTests
{
    // Host and path characters, with the ones that must send a URL to Uri (upper case, port, user, fragment, space,
    // backslash, brackets, a non-ASCII letter, a control character) mixed in.
    private static readonly string[] s_schemes = ["http://", "https://", "HTTP://", "ftp://", "http:/"];
    private static readonly Gen<string> s_host = Gen.Frequency(
        (8, Gen.String[Gen.Char["abz09-"], 1, 6].Array[1, 3].Select(labels => string.Join('.', labels))),
        (1, Gen.String[Gen.Frequency((12, Gen.Char["abz09-."]), (1, Gen.Char["X:@_"])), 0, 14]));
    private static readonly Gen<string> s_rest = Gen.String[Gen.Frequency((30, Gen.Char["aZ09-._~!$&'()*+,;=:@/?%Fe"]), (1, Gen.Char["#\\ []é\t<>\"{}|^`"])), 0, 24];
    private static readonly Gen<string> s_separator = Gen.Frequency((6, Gen.Const("/")), (1, Gen.Const("?")), (1, Gen.Const("")));
    private static readonly Gen<string> s_url = Gen.Select(Gen.Int[0, 4].Select(i => s_schemes[i]), s_host, s_separator, s_rest, (scheme, host, separator, rest) => scheme + host + separator + rest);

    [Fact]
    public void Generators_MakePlainUrlsAndPathsOften()
    {
        // The properties below say something only if the shortcuts often say yes on what is generated.
        var urls = s_url.Array[20_000].Single();
        var paths = s_rest.Array[20_000].Single();
        Assert.InRange(urls.Count(CatalogValidator.IsPlainHttpUrl), 1_000, 20_000);
        Assert.InRange(paths.Count(p => CatalogValidator.IsPlainPath("/" + p)), 1_000, 20_000);
    }

    [Fact]
    public void PlainHttpUrl_Yes_IsAlwaysUrisYes()
    {
        s_url.Sample(url => !CatalogValidator.IsPlainHttpUrl(url) || ByUri(url), iter: 200_000);
    }

    [Fact]
    public void PlainPath_Yes_IsAlwaysUrisYesForARelativePath()
    {
        s_rest.Select(rest => "/" + rest).Sample(path => !CatalogValidator.IsPlainPath(path) || Uri.TryCreate(path, UriKind.Relative, out _), iter: 200_000);
    }

    [Fact]
    public void IsAbsoluteHttpUrl_AgreesWithUri_OnRandomUrls()
    {
        s_url.Sample(url => CatalogValidator.IsAbsoluteHttpUrl(url) == (!url.Any(char.IsControl) && ByUri(url)), iter: 100_000);
    }

    [Theory]
    [InlineData("https://a-03086.example/landing?c=c-00005")]
    [InlineData("http://skyway.example")]
    [InlineData("https://www.skyway-air.example/fly/london?from=KUL&utm_source=suara%20ads")]
    [InlineData("https://x1.example/a/b;c=d/(e)*'f'~g@h:i,j+k$l!m")]
    public void PlainHttpUrl_TakesTheUsualUrls(string url)
    {
        Assert.True(CatalogValidator.IsPlainHttpUrl(url));
        Assert.True(ByUri(url));
    }

    [Theory]
    [InlineData("https://Example.com/")] // upper case: Uri decides (and says yes)
    [InlineData("http://1.2.3.4/")] // no letter: an IP address
    [InlineData("http://a.example:8080/")] // a port
    [InlineData("http://a.example/#top")] // a fragment
    [InlineData("http://-a.example/")]
    [InlineData("http://a-.example/")]
    [InlineData("http://a..example/")]
    [InlineData("http://a.example./")]
    [InlineData("http://user@a.example/")]
    [InlineData("http://a.example/%zz")]
    [InlineData("http://a.example/a b")]
    [InlineData("http:///path")]
    [InlineData("mailto:someone@a.example")]
    public void PlainHttpUrl_LeavesTheRestToUri(string url)
    {
        Assert.False(CatalogValidator.IsPlainHttpUrl(url));
    }

    [Theory]
    [InlineData("https://Example.com/", true)]
    [InlineData("http://a.example:8080/", true)]
    [InlineData("http://a.example/#top", true)]
    [InlineData("http:///path", false)]
    [InlineData("ftp://a.example/", false)]
    [InlineData("http://a.example/\nx", false)]
    public void IsAbsoluteHttpUrl_StillAsksUri_WhenNotPlain(string url, bool valid)
    {
        Assert.Equal(valid, CatalogValidator.IsAbsoluteHttpUrl(url));
    }

    /// <summary>The check as it was made before the shortcut: by <see cref="Uri"/> alone.</summary>
    private static bool ByUri(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
        && !string.IsNullOrEmpty(uri.Host);
}
