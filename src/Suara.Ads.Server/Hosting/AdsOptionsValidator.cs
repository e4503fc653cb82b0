using Microsoft.Extensions.Options;

namespace Suara.Ads.Server.Hosting;

/// <summary>Cross-field and format rules of <see cref="AdsOptions"/> that attributes cannot express.</summary>
internal sealed class AdsOptionsValidator : IValidateOptions<AdsOptions>
{
    public ValidateOptionsResult Validate(string? name, AdsOptions options)
    {
        var failures = new List<string>();
        if (options.PublicBaseUrl is { Length: > 0 } url
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
