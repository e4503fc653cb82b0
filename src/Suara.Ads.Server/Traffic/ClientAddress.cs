using Microsoft.AspNetCore.Connections.Features;
using Suara.Ads.Server.Hosting;

namespace Suara.Ads.Server.Traffic;

/// <summary>The client's address: from the trusted header when one is configured (its last entry), else the connection's.</summary>
internal static class ClientAddress
{
    public const string Unknown = "unknown";

    public static string Of(HttpContext http, TrafficOptions options)
    {
        if (options.ClientAddressHeader is { Length: > 0 } header
            && http.Request.Headers[header].ToString() is { Length: > 0 } value)
        {
            // A proxy appends the address it saw: the last entry is the one our own proxy vouches for.
            var last = value.AsSpan();
            var comma = last.LastIndexOf(',');
            last = (comma >= 0 ? last[(comma + 1)..] : last).Trim();
            if (last.Length is > 0 and <= 64)
            {
                return last.ToString();
            }
        }

        // The connection's address, formatted once per connection (a keep-alive connection carries many requests).
        var items = http.Features.Get<IConnectionItemsFeature>()?.Items;
        if (items is not null && items.TryGetValue(s_itemKey, out var cached) && cached is string known)
        {
            return known;
        }

        var address = http.Connection.RemoteIpAddress?.ToString() ?? Unknown;
        if (items is not null)
        {
            items[s_itemKey] = address;
        }

        return address;
    }

    private static readonly object s_itemKey = new();
}

/// <summary>The client address for the other areas' limits per client (refused keys): <see cref="ClientAddress.Of"/>.</summary>
internal sealed class ClientAddressSource(Microsoft.Extensions.Options.IOptions<TrafficOptions> options) : IClientAddressSource
{
    public string Of(HttpContext http) => ClientAddress.Of(http, options.Value);
}
