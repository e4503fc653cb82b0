using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Suara.Ads.Server.Tests.Support;

namespace Suara.Ads.Server.Tests.Hosting;

/// <summary>
/// The server does not load a Data Protection key ring at start (it protects nothing: keys are API keys), which
/// <c>AddAuthentication</c> would otherwise have it do on the way to ready.
/// </summary>
public sealed class DataProtectionAtStartTests
{
    [Fact]
    public void AuthenticationBringsTheStartUpService_AndTheServerRemovesIt()
    {
        // What the removal looks for is what ASP.NET Core registers: if a new version renames it, this fails first.
        var plain = new ServiceCollection();
        plain.AddAuthentication();
        Assert.Single(plain, SuaraAdsServiceCollectionExtensions.IsDataProtectionAtStart);

        plain.WithoutDataProtectionAtStart();
        Assert.DoesNotContain(plain, SuaraAdsServiceCollectionExtensions.IsDataProtectionAtStart);
    }

    [Fact]
    public void TheRunningHost_HasNoDataProtectionStartUpService()
    {
        using var factory = new AdsServerFactory(TestCatalog.Document(TestCatalog.Campaign("london")));
        _ = factory.CreateClient();
        var names = factory.Services.GetServices<IHostedService>().Select(s => s.GetType().FullName).ToArray();
        Assert.DoesNotContain("Microsoft.AspNetCore.DataProtection.Internal.DataProtectionHostedService", names);
        Assert.Contains(names, n => n == typeof(Suara.Ads.Server.Catalog.CatalogSync).FullName); // the list is the real one
    }
}
