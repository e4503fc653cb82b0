using Microsoft.Extensions.Options;
using Suara.Ads.Core.Events;
using Suara.Ads.Server.Options;

namespace Suara.Ads.Server.Security;

/// <summary>The event-token codec, keyed by <c>Ads:SigningKey</c> or by a key generated at start.</summary>
internal sealed class SigningKeyProvider
{
    public SigningKeyProvider(IOptions<AdsOptions> options) =>
        Codec = new EventTokenCodec(options.Value.SigningKey is { Length: > 0 } key ? key : SecretComparer.NewKey());

    public EventTokenCodec Codec { get; }
}
