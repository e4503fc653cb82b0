using System.Text.Json.Nodes;

namespace Suara.Ads.Server.Catalog;

/// <summary>One change to the catalog, as the audit trail records it: who, when, what, and each field's old and new value.</summary>
public sealed record AuditEntry
{
    /// <summary>Catalog version the change produced.</summary>
    public long Version { get; init; }

    /// <summary>When it happened (UTC).</summary>
    public DateTimeOffset Time { get; init; }

    /// <summary>The same as <see cref="Time"/>, under the name the first versions wrote.</summary>
    public DateTimeOffset At { get; init; }

    /// <summary>Who: the name of the key that made the change (<c>admin key</c>, a named key's name, or <c>seed</c>).</summary>
    public string KeyName { get; init; } = "";

    /// <summary><c>create</c>, <c>replace</c>, <c>delete</c>, <c>import</c>, <c>seed</c>, <c>rotate-report-key</c>, <c>create-key</c> or <c>revoke-key</c>.</summary>
    public string Action { get; init; } = "";

    /// <summary><c>site</c>, <c>placement</c>, <c>advertiser</c>, <c>campaign</c>, <c>key</c> or <c>catalog</c>.</summary>
    public string Kind { get; init; } = "";

    /// <summary>The entity's id; empty for the whole catalog.</summary>
    public string Id { get; init; } = "";

    /// <summary>Fingerprint of the key that made the change (first 8 bytes of its SHA-256, hex), or <c>seed</c>.</summary>
    public string Key { get; init; } = "";

    /// <summary>
    /// What changed in the entity, field by field (<c>goal.impressions</c>, <c>creatives[0].clickUrl</c>): its old and
    /// new value, absent on the side where it did not exist. At most <see cref="AuditDiff.MaxChanges"/>; none for an
    /// import.
    /// </summary>
    public IReadOnlyList<AuditChange>? Changes { get; init; }
}

/// <summary>One field's change.</summary>
public sealed record AuditChange
{
    public required string Path { get; init; }

    public JsonNode? From { get; init; }

    public JsonNode? To { get; init; }
}
