namespace Suara.Ads.Server.Contracts;

/// <summary>Body of <c>/healthz</c> and <c>/readyz</c>.</summary>
public sealed record HealthResponse
{
    /// <summary><c>ok</c>, <c>ready</c> or <c>not-ready</c>.</summary>
    public required string Status { get; init; }

    /// <summary>Catalog version in force.</summary>
    public long? CatalogVersion { get; init; }

    /// <summary>Campaigns in the catalog in force.</summary>
    public int? Campaigns { get; init; }

    /// <summary><c>connected</c> or <c>unreachable</c>.</summary>
    public string? Redis { get; init; }

    /// <summary>Counted events waiting to be written to Redis.</summary>
    public long? PendingEvents { get; init; }

    /// <summary>Most events that may wait (<c>Ads:MaxPendingEvents</c>).</summary>
    public long? MaxPendingEvents { get; init; }

    /// <summary>Why the newest catalog version could not be built (the last good one keeps serving), if it could not.</summary>
    public string? CatalogError { get; init; }

    /// <summary>Events refused since start because the pending bound was reached.</summary>
    public long? DroppedEvents { get; init; }
}
