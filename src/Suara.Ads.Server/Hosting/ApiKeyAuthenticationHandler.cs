using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Suara.Ads.Server.Hosting;

/// <summary>
/// The one way a request is authenticated: <c>Authorization: Bearer &lt;key&gt;</c>, resolved by the
/// <see cref="IApiKeyResolver"/>s to a principal with a role (and, for a report key, its advertiser). No header is
/// anonymous; an unknown key fails. Challenges and refusals are problem bodies (401 with <c>WWW-Authenticate:
/// Bearer</c>, 403).
/// </summary>
internal sealed class ApiKeyAuthenticationHandler : AuthenticationHandler<AuthenticationSchemeOptions>
{
    private static readonly object s_heldOff = new();

    private readonly IEnumerable<IApiKeyResolver> _resolvers;
    private readonly KeyFailureGuard _failures;
    private readonly IEnumerable<IClientAddressSource> _addresses;

    public ApiKeyAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IEnumerable<IApiKeyResolver> resolvers, KeyFailureGuard failures, IEnumerable<IClientAddressSource> addresses)
        : base(options, logger, encoder)
    {
        _resolvers = resolvers;
        _failures = failures;
        _addresses = addresses;
    }

    private string Client() => _addresses.LastOrDefault()?.Of(Context) ?? Context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        // Fast path: public endpoints are called without a key.
        if (SecretComparer.BearerToken(Request.Headers.Authorization) is not { Length: > 0 } key)
        {
            return AuthenticateResult.NoResult();
        }

        // A client that presented too many unknown keys is held off whatever it presents now: guessing gets nowhere.
        var client = Client();
        if (_failures.IsHeldOff(client))
        {
            Context.Items[s_heldOff] = true;
            return AuthenticateResult.Fail("Too many unknown keys from this client.");
        }

        foreach (var resolver in _resolvers)
        {
            if (await resolver.ResolveAsync(key, Context.RequestAborted).ConfigureAwait(false) is { } identity)
            {
                var claims = new List<Claim>
                {
                    new(ClaimTypes.Name, identity.Name),
                    new(ClaimTypes.Role, identity.Role),
                    new(ApiKeys.FingerprintClaim, SecretComparer.Fingerprint(key)),
                };
                if (identity.AdvertiserId is { } advertiser)
                {
                    claims.Add(new Claim(ApiKeys.AdvertiserClaim, advertiser));
                }

                var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme.Name));
                return AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
            }
        }

        _failures.Failed(client);
        Logger.KeyRefused(client);
        if (_failures.IsHeldOff(client))
        {
            Logger.KeysHeldOff(client, KeyFailureGuard.MaxFailuresPerMinute);
        }

        return AuthenticateResult.Fail("The bearer key is not known.");
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Context.Items.ContainsKey(s_heldOff))
        {
            Response.Headers.RetryAfter = "60";
            return Problems.TooManyRequests(
                $"This client presented more than {KeyFailureGuard.MaxFailuresPerMinute} unknown keys in a minute, so no key is looked at for a while. Try again in a minute, with the right key.").ExecuteAsync(Context);
        }

        Response.Headers.WWWAuthenticate = ApiKeys.Scheme;
        var hint = Context.GetEndpoint()?.Metadata.GetMetadata<KeyHint>()?.Detail ?? "This endpoint needs 'Authorization: Bearer <key>'.";
        var presented = SecretComparer.BearerToken(Request.Headers.Authorization) is { Length: > 0 };
        return Problems.Unauthorized(presented ? "The key is not known: it may have been mistyped, rotated or revoked. " + hint : hint).ExecuteAsync(Context);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Problems.Forbidden($"The key '{Context.User.Identity?.Name}' does not have a role that may do this.").ExecuteAsync(Context);
}
