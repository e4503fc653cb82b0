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
}
