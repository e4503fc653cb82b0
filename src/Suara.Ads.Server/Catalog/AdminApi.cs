using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Suara.Ads.Core.Catalog;
using Suara.Ads.Core.Targeting;
using Suara.Ads.Core.Utilities;
using Suara.Ads.Server.Hosting;

namespace Suara.Ads.Server.Catalog;

/// <summary>
/// <c>/v1/admin/*</c>: the catalog (sites, placements, advertisers, campaigns, whole-catalog export and import),
/// targeting validation and the audit trail, for keys with the admin role (<see cref="Policies.Admin"/>).
/// </summary>
internal static class AdminApi
{
    /// <summary>Largest entity body.</summary>
    public const int MaxEntityBytes = 1024 * 1024;

    /// <summary>Largest catalog import.</summary>
    public const int MaxCatalogBytes = 256 * 1024 * 1024;

    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 1000;

    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/v1/admin")
            .WithTags("Admin")
            .RequireAuthorization(Policies.CatalogRead)
            .WithMetadata(new KeyHint("This endpoint needs 'Authorization: Bearer <key>': the admin key (Ads:AdminKey) or a named key of role admin or trafficker (reporter: reading only; keys: admin only)."))
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        MapEntity(admin, EntityKinds.Sites, CatalogJsonContext.Default.PageSite);
        MapEntity(admin, EntityKinds.Placements, CatalogJsonContext.Default.PagePlacement);
        MapEntity(admin, EntityKinds.Advertisers, CatalogJsonContext.Default.PageAdvertiser);
        MapEntity(admin, EntityKinds.Campaigns, CatalogJsonContext.Default.PageCampaign);

        admin.MapPost("/advertisers/{id}/report-key", async (string id, CatalogService catalog, ClaimsPrincipal user) =>
        {
            var result = await catalog.RotateReportKeyAsync(id, user.Actor()).ConfigureAwait(false);
            return result.Status switch
            {
                ChangeStatus.Replaced => Results.Ok(new ReportKeyResponse { ReportKey = result.ReportKey! }),
                _ => Outcome(result, EntityKinds.Advertisers.Name, id),
            };
        }).RequireAuthorization(Policies.CatalogWrite).Produces<ReportKeyResponse>().ProducesProblem(StatusCodes.Status404NotFound);

        admin.MapGet("/catalog", async (CatalogService catalog) =>
        {
            if (!catalog.IsAvailable)
            {
                return Unavailable();
            }

            var (document, version) = await catalog.LoadAsync().ConfigureAwait(false);
            return Results.Json(document, CatalogJsonContext.Default.CatalogDocument, statusCode: StatusCodes.Status200OK);
        }).Produces<CatalogDocument>();

        admin.MapPut("/catalog", async (HttpRequest request, CatalogService catalog, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        {
            var (body, problem) = await JsonBody.ReadAsync(request, CatalogJsonContext.Default.CatalogDocument, MaxCatalogBytes, "a catalog document", cancellationToken, strict: true).ConfigureAwait(false);
            if (problem is not null)
            {
                return problem;
            }

            var result = await catalog.ImportAsync(body!, user.Actor()).ConfigureAwait(false);
            return result.Status == ChangeStatus.Replaced
                ? Results.Json(new CatalogVersionResponse { Version = result.Version }, CatalogJsonContext.Default.CatalogVersionResponse)
                : Outcome(result, "catalog", "");
        }).RequireAuthorization(Policies.CatalogWrite).Accepts<CatalogDocument>("application/json").ProducesValidationProblem();

        admin.MapPost("/targeting/validate", async (HttpRequest request, CancellationToken cancellationToken) =>
        {
            var (body, problem) = await JsonBody.ReadAsync(request, CatalogJsonContext.Default.TargetingValidateRequest, 64 * 1024, "a targeting check", cancellationToken, strict: true).ConfigureAwait(false);
            if (problem is not null)
            {
                return problem;
            }

            if (body!.Targeting is null)
            {
                return Problems.BadRequest("No rule to check.", "targeting", "is required");
            }

            var compiled = TargetingRule.Compile(body.Targeting);
            if (!compiled.Success)
            {
                var errors = new ValidationErrors();
                foreach (var error in compiled.Errors)
                {
                    errors.Add("targeting", error.ToString());
                }

                return Problems.Validation(errors, "The targeting rule is not valid.", new Dictionary<string, object?> { ["positions"] = compiled.Errors.Select(e => new Dictionary<string, object> { ["line"] = e.Line, ["column"] = e.Column, ["message"] = e.Message }).ToArray() });
            }

            return Results.Ok(new TargetingValidateResponse { Valid = true, Canonical = compiled.Rule!.CanonicalText });
        }).Accepts<TargetingValidateRequest>("application/json").Produces<TargetingValidateResponse>().ProducesValidationProblem();

        admin.MapGet("/audit", async (int? limit, string? kind, string? id, CatalogService catalog) =>
        {
            if (limit is < 1 or > RedisCatalogStore.AuditLength)
            {
                return Problems.BadRequest("The query is not valid.", "limit", $"must be between 1 and {RedisCatalogStore.AuditLength}");
            }

            if (!catalog.IsAvailable)
            {
                return Unavailable();
            }

            // ?kind=campaign&id=london: the history of one entity (either alone filters by it).
            Func<AuditEntry, bool>? match = kind is null && id is null ? null : e => (kind is null || e.Kind == kind) && (id is null || e.Id == id);
            return Results.Ok(new AuditResponse { Entries = await catalog.ReadAuditAsync(limit ?? 100, match).ConfigureAwait(false) });
        }).Produces<AuditResponse>();

        MapKeys(admin);
        return app;
    }

    /// <summary><c>/v1/admin/keys</c>: named keys with roles, for the admin role only.</summary>
    private static void MapKeys(RouteGroupBuilder admin)
    {
        var keys = admin.MapGroup("/keys").RequireAuthorization(Policies.Admin);
        keys.MapPost("", async (HttpRequest request, CatalogService catalog, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        {
            var (body, problem) = await JsonBody.ReadAsync(request, CatalogJsonContext.Default.NamedKeyRequest, 4 * 1024, "a key request", cancellationToken, strict: true).ConfigureAwait(false);
            if (problem is not null)
            {
                return problem;
            }

            var errors = new ValidationErrors();
            if (string.IsNullOrWhiteSpace(body!.Name) || body.Name.Length > 100 || body.Name.Any(char.IsControl))
            {
                errors.Add("name", "is required: who or what the key is for, at most 100 characters, no control characters");
            }

            if (body.Role is not (Roles.Admin or Roles.Trafficker or Roles.Reporter or Roles.Server))
            {
                errors.Add("role", "must be admin, trafficker, reporter or server");
            }

            if (!errors.IsEmpty)
            {
                return Problems.Validation(errors, "The key request is not valid.");
            }

            var result = await catalog.CreateKeyAsync(body.Name!.Trim(), body.Role!, user.Actor()).ConfigureAwait(false);
            return result.Status == ChangeStatus.Created
                ? Results.Json(result.CreatedKey, CatalogJsonContext.Default.NamedKeyResponse, statusCode: StatusCodes.Status201Created)
                : Outcome(result, "key", "");
        }).Accepts<NamedKeyRequest>("application/json").Produces<NamedKeyResponse>(StatusCodes.Status201Created).ProducesValidationProblem();

        keys.MapGet("", async (CatalogService catalog) =>
            catalog.IsAvailable
                ? Results.Json(new NamedKeyList(await catalog.ListKeysAsync().ConfigureAwait(false)), CatalogJsonContext.Default.NamedKeyList)
                : Unavailable()).Produces<NamedKeyList>();

        keys.MapDelete("/{id}", async (string id, CatalogService catalog, ClaimsPrincipal user) =>
        {
            var result = await catalog.RevokeKeyAsync(id, user.Actor()).ConfigureAwait(false);
            return result.Status == ChangeStatus.Deleted ? Results.NoContent() : Outcome(result, "key", id);
        }).Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static void MapEntity<T>(RouteGroupBuilder admin, EntityKind<T> kind, System.Text.Json.Serialization.Metadata.JsonTypeInfo<Page<T>> pageType)
        where T : class
    {
        admin.MapGet($"/{kind.Plural}", async (int? limit, string? after, CatalogService catalog) =>
        {
            if (limit is < 1 or > MaxPageSize)
            {
                return Problems.BadRequest("The query is not valid.", "limit", $"must be between 1 and {MaxPageSize}");
            }

            if (!catalog.IsAvailable)
            {
                return Unavailable();
            }

            var all = await catalog.ListAsync(kind).ConfigureAwait(false);
            var size = limit ?? DefaultPageSize;
            var from = after is null ? 0 : FirstAfter(all, kind.IdOf, after);
            var items = all.Skip(from).Take(size + 1).ToArray();
            var page = new Page<T>
            {
                Items = items.Take(size).ToArray(),
                Total = all.Count,
                Next = items.Length > size ? kind.IdOf(items[size - 1]) : null,
            };
            return Results.Json(page, pageType);
        }).WithName($"List{kind.Plural}").Produces<Page<T>>().ProducesValidationProblem();

        admin.MapGet($"/{kind.Plural}/{{id}}", async (string id, HttpResponse response, CatalogService catalog) =>
        {
            if (!catalog.IsAvailable)
            {
                return Unavailable();
            }

            if (await catalog.GetAsync(kind, id).ConfigureAwait(false) is not { } entity)
            {
                return NotFound(kind.Name, id);
            }

            response.Headers.ETag = kind.ETag(entity);
            return Results.Json(entity, kind.Json);
        }).WithName($"Get{kind.Name}").Produces<T>().ProducesProblem(StatusCodes.Status404NotFound);

        admin.MapPut($"/{kind.Plural}/{{id}}", async (string id, HttpRequest request, HttpResponse response, CatalogService catalog, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        {
            if (!Ids.IsValid(id))
            {
                return Problems.BadRequest($"The {kind.Name} id is not valid.", "id", Ids.Rule);
            }

            var (body, problem) = await JsonBody.ReadAsync(request, kind.Json, MaxEntityBytes, $"a {kind.Name}", cancellationToken, strict: true).ConfigureAwait(false);
            if (problem is not null)
            {
                return problem;
            }

            var bodyId = kind.IdOf(body!);
            if (!string.IsNullOrEmpty(bodyId) && bodyId != id)
            {
                return Problems.BadRequest($"The body's id differs from the path's.", "id", $"is '{bodyId}' but the path says '{id}'");
            }

            var ifMatch = request.Headers.IfMatch.ToString() is { Length: > 0 } given ? given : null;
            if (IfMatchProblem(ifMatch) is { } badIfMatch)
            {
                return badIfMatch;
            }

            // If-None-Match: * creates only: a form for a new entity must not replace one that has the same id.
            var ifNoneMatch = request.Headers.IfNoneMatch.ToString().Trim();
            if (ifNoneMatch.Length > 0 && ifNoneMatch != "*")
            {
                return Problems.BadRequest("If-None-Match on a PUT can only be '*' (create, never replace).", "If-None-Match", "must be *");
            }

            var result = await catalog.PutAsync(kind, id, body!, ifMatch, user.Actor(), createOnly: ifNoneMatch == "*").ConfigureAwait(false);
            if (result.Status is ChangeStatus.Created or ChangeStatus.Replaced)
            {
                response.Headers.ETag = result.ETag;
                var stored = kind.WithId(body!, id);
                if (result.ReportKey is { } reportKey && stored is Advertiser advertiser)
                {
                    return Results.Json(new AdvertiserCreatedResponse { Id = advertiser.Id, Name = advertiser.Name, ReportKey = reportKey }, CatalogJsonContext.Default.AdvertiserCreatedResponse, statusCode: StatusCodes.Status201Created);
                }

                return result.Status == ChangeStatus.Created
                    ? Results.Json(stored, kind.Json, statusCode: StatusCodes.Status201Created)
                    : Results.Json(stored, kind.Json);
            }

            return Outcome(result, kind.Name, id);
        }).WithName($"Put{kind.Name}").RequireAuthorization(Policies.CatalogWrite).Accepts<T>("application/json").Produces<T>().Produces<T>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(StatusCodes.Status412PreconditionFailed);

        // PATCH with a JSON merge patch (RFC 7396): the stored entity with the patch applied, validated like a PUT. Without
        // If-Match the patch applies to the entity as it is read, and is applied again if it changed in between.
        admin.MapPatch($"/{kind.Plural}/{{id}}", async (string id, HttpRequest request, HttpResponse response, CatalogService catalog, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        {
            if (!string.Equals(request.ContentType?.Split(';')[0].Trim(), "application/merge-patch+json", StringComparison.OrdinalIgnoreCase))
            {
                return Problems.UnsupportedMediaType($"A PATCH is a JSON merge patch (RFC 7396): send it as 'Content-Type: application/merge-patch+json'. To replace the whole {kind.Name}, PUT it.");
            }

            var (patch, problem) = await JsonBody.ReadObjectAsync(request, MaxEntityBytes, $"a merge patch of a {kind.Name}", cancellationToken).ConfigureAwait(false);
            if (problem is not null)
            {
                return problem;
            }

            var unknown = new ValidationErrors();
            JsonFields.FindUnknown(System.Text.Json.JsonSerializer.SerializeToElement(patch!, CatalogJsonContext.Default.JsonObject), kind.Json, "", unknown);
            if (!unknown.IsEmpty)
            {
                return Problems.Validation(unknown, $"The patch has fields that are not part of a {kind.Name}; nothing was stored.");
            }

            var ifMatch = request.Headers.IfMatch.ToString() is { Length: > 0 } given ? given : null;
            if (IfMatchProblem(ifMatch) is { } badIfMatch)
            {
                return badIfMatch;
            }

            for (var attempt = 0; ; attempt++)
            {
                if (!catalog.IsAvailable)
                {
                    return Unavailable();
                }

                var existing = await catalog.GetAsync(kind, id).ConfigureAwait(false);
                if (existing is null)
                {
                    return NotFound(kind.Name, id);
                }

                T? patched;
                try
                {
                    patched = kind.Patched(existing, patch!);
                }
                catch (System.Text.Json.JsonException ex)
                {
                    return Problems.BadRequest($"The patched {kind.Name} is not valid JSON for a {kind.Name}.", string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "body" : ex.Path.TrimStart('$', '.'), "a value of the wrong type");
                }

                if (patched is null)
                {
                    return Problems.BadRequest($"A patch may not remove the whole {kind.Name}.", "body", "must be a JSON object");
                }

                var result = await catalog.PutAsync(kind, id, kind.WithId(patched, id), ifMatch ?? kind.ETag(existing), user.Actor()).ConfigureAwait(false);
                if (result.Status == ChangeStatus.PreconditionFailed && ifMatch is null && attempt < 3)
                {
                    continue; // changed between our read and our write: patch the new version
                }

                if (result.Status is ChangeStatus.Created or ChangeStatus.Replaced)
                {
                    response.Headers.ETag = result.ETag;
                    return Results.Json(kind.WithId(patched, id), kind.Json);
                }

                return Outcome(result, kind.Name, id);
            }
        }).WithName($"Patch{kind.Name}").RequireAuthorization(Policies.CatalogWrite).Accepts<T>("application/merge-patch+json").Produces<T>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status412PreconditionFailed).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        admin.MapDelete($"/{kind.Plural}/{{id}}", async (string id, HttpRequest request, CatalogService catalog, ClaimsPrincipal user) =>
        {
            var ifMatch = request.Headers.IfMatch.ToString() is { Length: > 0 } given ? given : null;
            if (IfMatchProblem(ifMatch) is { } badIfMatch)
            {
                return badIfMatch;
            }

            var result = await catalog.DeleteAsync(kind, id, ifMatch, user.Actor()).ConfigureAwait(false);
            return result.Status == ChangeStatus.Deleted ? Results.NoContent() : Outcome(result, kind.Name, id);
        }).WithName($"Delete{kind.Name}").RequireAuthorization(Policies.CatalogWrite).Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status412PreconditionFailed);
    }

    private static IResult Outcome(ChangeResult result, string kind, string id) => result.Status switch
    {
        ChangeStatus.NotFound => NotFound(kind, id),
        ChangeStatus.Invalid => Problems.Validation(result.Errors!, $"The {kind} is not valid; nothing was stored."),
        ChangeStatus.PreconditionFailed => Problems.PreconditionFailed(result.ETag is null
                ? $"The {kind} '{id}' does not exist, so If-Match cannot match."
                : $"The {kind} '{id}' was changed since you read it: your If-Match is stale (its ETag is now {result.ETag}). Read it again, then apply your change."),
        ChangeStatus.Exists => Problems.PreconditionFailed($"There is already a {kind} '{id}' (If-None-Match: * creates only). Choose another id, or edit the existing one."),
        ChangeStatus.Referenced => Problems.InUse($"The {kind} '{id}' is still used by {string.Join(", ", result.References)}. Remove those references first.", result.References),
        _ => Unavailable(),
    };

    /// <summary>
    /// An If-Match that cannot be what the server sent: an ETag is quoted (<c>"d11b8cb3…"</c>), and a bare value is
    /// most often one copied without its quotes. Said so, rather than answered as if the entity had changed.
    /// </summary>
    private static ProblemHttpResult? IfMatchProblem(string? ifMatch)
    {
        if (ifMatch is null)
        {
            return null;
        }

        foreach (var tag in ifMatch.Split(',', StringSplitOptions.TrimEntries))
        {
            var value = tag.StartsWith("W/", StringComparison.Ordinal) ? tag[2..] : tag;
            if (value != "*" && !(value.Length >= 2 && value[0] == '"' && value[^1] == '"'))
            {
                return Problems.PreconditionFailed($"If-Match '{(tag.Length > 80 ? tag[..80] + "…" : tag)}' is not a quoted ETag. Send the ETag exactly as the server sent it, quotes included: If-Match: \"{value.Trim('"')}\".");
            }
        }

        return null;
    }

    /// <summary>The index of the first entity of <paramref name="sorted"/> (ordered by id) whose id comes after <paramref name="after"/>.</summary>
    private static int FirstAfter<T>(IReadOnlyList<T> sorted, Func<T, string> idOf, string after)
    {
        var (low, high) = (0, sorted.Count);
        while (low < high)
        {
            var mid = (low + high) >>> 1;
            if (string.CompareOrdinal(idOf(sorted[mid]), after) > 0)
            {
                high = mid;
            }
            else
            {
                low = mid + 1;
            }
        }

        return low;
    }

    private static ProblemHttpResult NotFound(string kind, string id) => Problems.NotFound($"There is no {kind} '{id}'.");

    private static ProblemHttpResult Unavailable() => Problems.StoreUnavailable("Catalog store unavailable.", "The catalog store (Redis) cannot be reached; nothing was read or changed. Decisions keep being served from the catalog in force.");
}
