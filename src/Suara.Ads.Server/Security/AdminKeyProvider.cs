using Microsoft.Extensions.Options;
using Suara.Ads.Server.Options;

namespace Suara.Ads.Server.Security;

/// <summary>
/// The admin key: <c>Ads:AdminKey</c>, or a key generated at start and logged once.
/// </summary>
internal sealed partial class AdminKeyProvider
{
    private readonly string _key;

    public AdminKeyProvider(IOptions<AdsOptions> options, ILogger<AdminKeyProvider> logger)
    {
        if (options.Value.AdminKey is { Length: > 0 } configured)
        {
            _key = configured;
        }
        else
        {
            _key = SecretComparer.NewKey();
            LogGenerated(logger, _key);
        }
    }

    /// <summary>Whether the request carries the admin key as a bearer token.</summary>
    public bool IsAdmin(HttpContext context) =>
        SecretComparer.Equal(SecretComparer.BearerToken(context.Request.Headers.Authorization), _key);

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "No Ads:AdminKey is configured; generated admin key for this process: {AdminKey}")]
    private static partial void LogGenerated(ILogger logger, string adminKey);
}
