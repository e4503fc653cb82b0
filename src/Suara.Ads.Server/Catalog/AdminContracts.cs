namespace Suara.Ads.Server.Catalog;

/// <summary>One page of a collection.</summary>
/// <typeparam name="T">The entity type.</typeparam>
public sealed record Page<T>
{
    /// <summary>The entities, ordered by id.</summary>
    public required IReadOnlyList<T> Items { get; init; }

    /// <summary>Entities in the whole collection.</summary>
    public required int Total { get; init; }

    /// <summary>Pass as <c>after</c> to get the next page; absent on the last page.</summary>
    public string? Next { get; init; }
}

/// <summary>A newly issued report key.</summary>
public sealed record ReportKeyResponse
{
    /// <summary>The bearer key with which the advertiser (and nobody else) reads its reports. Shown once.</summary>
    public required string ReportKey { get; init; }
}

/// <summary>Body of <c>POST /v1/admin/targeting/validate</c>.</summary>
public sealed record TargetingValidateRequest
{
    /// <summary>The rule.</summary>
    public string? Targeting { get; init; }
}

/// <summary>A valid rule.</summary>
public sealed record TargetingValidateResponse
{
    /// <summary>Always <c>true</c> (an invalid rule is a 400 problem).</summary>
    public required bool Valid { get; init; }

    /// <summary>The rule printed canonically.</summary>
    public string? Canonical { get; init; }
}

/// <summary>The audit trail.</summary>
public sealed record AuditResponse
{
    /// <summary>Newest first.</summary>
    public required IReadOnlyList<AuditEntry> Entries { get; init; }
}

/// <summary>The answer to the <c>PUT</c> that creates an advertiser: the advertiser and, once, its report key.</summary>
public sealed record AdvertiserCreatedResponse
{
    /// <summary>The advertiser id.</summary>
    public required string Id { get; init; }

    /// <summary>Display name.</summary>
    public required string Name { get; init; }

    /// <summary>The bearer key for this advertiser's reports. Shown only here; rotate it with <c>POST …/report-key</c>.</summary>
    public required string ReportKey { get; init; }
}

/// <summary>The answer to a whole-catalog import.</summary>
public sealed record CatalogVersionResponse
{
    /// <summary>The catalog version the import produced.</summary>
    public required long Version { get; init; }
}
