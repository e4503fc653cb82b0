using System.Text.Json.Serialization;

namespace Suara.Ads.Server.Catalog;

/// <summary>
/// A named bearer key for a person or a server (<c>POST /v1/admin/keys</c>): stored in Redis with the SHA-256 of its
/// secret, never the secret. The key itself reads <c>sa_ID_SECRET</c>, so the id it names is found without a search
/// (see <see cref="NamedKeyResolver"/>).
/// </summary>
internal sealed record NamedKey
{
    /// <summary>Generated id: 12 hex digits.</summary>
    public required string Id { get; init; }

    /// <summary>Who or what the key is for: shown in the audit trail and logs.</summary>
    public required string Name { get; init; }

    /// <summary><c>admin</c>, <c>trafficker</c>, <c>reporter</c> or <c>server</c>.</summary>
    public required string Role { get; init; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset Created { get; init; }

    /// <summary>SHA-256 (hex) of the whole key; only in storage.</summary>
    [JsonPropertyName("keyHash")]
    public string KeyHash { get; init; } = "";
}

/// <summary><c>POST /v1/admin/keys</c>.</summary>
internal sealed record NamedKeyRequest
{
    public string? Name { get; init; }

    public string? Role { get; init; }
}

/// <summary>A named key as the API shows it: never its hash; its secret only in the answer that created it.</summary>
internal sealed record NamedKeyResponse
{
    public required string Id { get; init; }

    public required string Name { get; init; }

    public required string Role { get; init; }

    public DateTimeOffset Created { get; init; }

    /// <summary>The bearer key: shown once, when it is created.</summary>
    public string? Key { get; init; }

    public static NamedKeyResponse Of(NamedKey key, string? secret = null) =>
        new() { Id = key.Id, Name = key.Name, Role = key.Role, Created = key.Created, Key = secret };
}

/// <summary><c>GET /v1/admin/keys</c>.</summary>
internal sealed record NamedKeyList(IReadOnlyList<NamedKeyResponse> Keys);
