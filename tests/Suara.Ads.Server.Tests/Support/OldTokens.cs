using Microsoft.Extensions.DependencyInjection;
using Suara.Ads.Core.Events;
using Suara.Ads.Server.Hosting;

namespace Suara.Ads.Server.Tests.Support;

/// <summary>Event URLs as a server before token version 3 issued them: version 2, no issuer, no number.</summary>
public static class OldTokens
{
    /// <summary>
    /// The three event URLs (server-relative) of a new ad like the one of <paramref name="eventUrl"/> (its campaign,
    /// creative, placement, site, viewer and issue time; another decision), signed as version 2 by the server's codec.
    /// </summary>
    public static AdTokens Version2Like(IServiceProvider services, string eventUrl)
    {
        var codec = services.GetRequiredService<SigningKeyProvider>().Codec;
        var token = eventUrl[(eventUrl.LastIndexOf('/') + 1)..];
        Assert.Equal(EventTokenStatus.Valid, codec.Verify(token, services.GetRequiredService<TimeProvider>().GetUtcNow(), out var claims));
        Assert.True(claims!.Sequence >= 0, "a server issues numbered ads (version 3)");
        var old = codec.SignAd(claims with { DecisionId = Guid.NewGuid(), Issuer = 0, Sequence = -1 });
        Assert.Equal(2, System.Buffers.Text.Base64Url.DecodeFromChars(old.Impression)[0]); // the version byte
        return new AdTokens("/v1/events/" + old.Impression, "/v1/events/" + old.Viewable, "/v1/events/" + old.Click);
    }
}
