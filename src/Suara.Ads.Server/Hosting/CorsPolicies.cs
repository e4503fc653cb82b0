namespace Suara.Ads.Server.Hosting;

/// <summary>CORS policy names.</summary>
internal static class CorsPolicies
{
    /// <summary>Endpoints called by publisher pages on any origin: decisions and events. No credentials.</summary>
    public const string PublicEndpoints = "public";
}
