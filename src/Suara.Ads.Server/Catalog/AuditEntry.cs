namespace Suara.Ads.Server.Catalog;

/// <summary>One change to the catalog, as the audit trail records it.</summary>
public sealed record AuditEntry
{
    /// <summary>Catalog version the change produced.</summary>
    public long Version { get; init; }

    /// <summary>When it happened (UTC).</summary>
    public DateTimeOffset At { get; init; }

    /// <summary><c>create</c>, <c>replace</c>, <c>delete</c>, <c>import</c>, <c>seed</c> or <c>rotate-report-key</c>.</summary>
    public string Action { get; init; } = "";

    /// <summary><c>site</c>, <c>placement</c>, <c>advertiser</c>, <c>campaign</c> or <c>catalog</c>.</summary>
    public string Kind { get; init; } = "";

    /// <summary>The entity's id; empty for the whole catalog.</summary>
    public string Id { get; init; } = "";

    /// <summary>Fingerprint of the key that made the change (first 8 bytes of its SHA-256, hex), or <c>seed</c>.</summary>
    public string Key { get; init; } = "";
}
