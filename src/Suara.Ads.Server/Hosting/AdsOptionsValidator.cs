using Microsoft.Extensions.Options;

namespace Suara.Ads.Server.Hosting;

/// <summary>Cross-field and format rules of <see cref="AdsOptions"/> that attributes cannot express.</summary>
internal sealed class AdsOptionsValidator : IValidateOptions<AdsOptions>
{
    private readonly IHostEnvironment _environment;

    public AdsOptionsValidator(IHostEnvironment environment) => _environment = environment;

    /// <summary>
    /// Whether links may be built from the request's scheme and <c>Host</c> header when <c>Ads:PublicBaseUrl</c> is not
    /// set: in Development only (a developer's machine, the in-memory test server). Anywhere else the header is the
    /// client's to say, and start-up refuses to run without the setting.
    /// </summary>
    public static bool MayUseHostHeader(IHostEnvironment environment) => environment.IsDevelopment();

    public ValidateOptionsResult Validate(string? name, AdsOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.PublicBaseUrl) && !MayUseHostHeader(_environment))
        {
            // The Host header is the client's to say: links built from it would let anyone who can reach the server
            // (or poison a cache in front of it) point creatives' clicks and beacons at a host of their choosing.
            failures.Add(
                $"Ads:PublicBaseUrl is required in the {_environment.EnvironmentName} environment: links in creatives are never built from the "
                + "request's Host header outside Development. Set it to the absolute base URL under which pages reach this server, "
                + "e.g. the environment variable Ads__PublicBaseUrl=https://ads.example (or --Ads:PublicBaseUrl=https://ads.example).");
        }
        else if (options.PublicBaseUrl is { Length: > 0 } url
            && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
        {
            failures.Add($"Ads:PublicBaseUrl must be an absolute http(s) URL, not '{url}'.");
        }

        if (options.Seed is { Length: > 0 } seed && seed != "demo" && !File.Exists(seed))
        {
            failures.Add($"Ads:Seed must be 'demo' or the path of a catalog JSON file; '{seed}' does not exist.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
