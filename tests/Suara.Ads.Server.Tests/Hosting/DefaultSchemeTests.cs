using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Suara.Ads.Server.Tests.Catalog;
using Suara.Ads.Server.Tests.Support;

namespace Suara.Ads.Server.Tests.Hosting;

/// <summary>
/// Keys are read only where an endpoint asks for one: with no default scheme, the authentication middleware the host
/// adds does nothing for the public endpoints (beacons, decisions, pages), while admin endpoints still demand a key.
/// </summary>
public sealed class DefaultSchemeTests
{
    [Fact]
    public async Task NoDefaultAuthenticateScheme_YetTheAdminApiStillDemandsAKey()
    {
        using var factory = new AdsServerFactory(TestCatalog.Document(TestCatalog.Campaign("london")));
        var client = factory.CreateClient();
        var schemes = factory.Services.GetRequiredService<IAuthenticationSchemeProvider>();
        Assert.Null(await schemes.GetDefaultAuthenticateSchemeAsync());

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await client.GetAsync("/v1/admin/campaigns")).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await factory.CreateAdminClient().GetAsync("/v1/admin/campaigns")).StatusCode);
        Assert.NotNull(await Pages.ServeAsync(client));
    }
}
