using Microsoft.AspNetCore.Http.HttpResults;
using Suara.Ads.Core.Utilities;

namespace Suara.Ads.Server.Hosting;

/// <summary>
/// Every RFC 9457 problem the server answers with: its <c>type</c> URI, title and status in one place, so an
/// endpoint names the problem and says only what is particular to the request (the detail). docs/api.md lists them.
/// </summary>
internal static class Problems
{
    /// <summary>The <c>type</c> URIs. A client may rely on them; add, never change.</summary>
    public static class Types
    {
        private const string Base = "https://suara-ads.example/problems/";

        public const string Validation = Base + "validation";
        public const string Unauthorized = Base + "unauthorized";
        public const string Forbidden = Base + "forbidden";
        public const string NotFound = Base + "not-found";
        public const string PreconditionFailed = Base + "precondition-failed";
        public const string InUse = Base + "in-use";
        public const string StoreUnavailable = Base + "store-unavailable";
        public const string InvalidToken = Base + "invalid-token";
        public const string ExpiredToken = Base + "expired-token";
        public const string CreativeGone = Base + "creative-gone";
        public const string ForeignOrigin = Base + "foreign-origin";
        public const string FutureToken = Base + "future-token";
        public const string TooManyRequests = Base + "too-many-requests";
        public const string UnsupportedMediaType = Base + "unsupported-media-type";
    }

    /// <summary>400 with the errors per field.</summary>
    public static IResult Validation(ValidationErrors errors, string detail, IDictionary<string, object?>? extensions = null)
    {
        var problem = TypedResults.ValidationProblem(errors.ToDictionary(), detail: detail, title: "The request is not valid.", type: Types.Validation);
        if (extensions is not null)
        {
            foreach (var (key, value) in extensions)
            {
                problem.ProblemDetails.Extensions[key] = value;
            }
        }

        return problem;
    }

    /// <summary>400 naming one field.</summary>
    public static IResult BadRequest(string detail, string field, string message)
    {
        var errors = new ValidationErrors();
        errors.Add(field, message);
        return Validation(errors, detail);
    }

    public static ProblemHttpResult Unauthorized(string detail) =>
        Problem(StatusCodes.Status401Unauthorized, "Authentication required.", Types.Unauthorized, detail);

    public static ProblemHttpResult Forbidden(string detail) =>
        Problem(StatusCodes.Status403Forbidden, "Not allowed.", Types.Forbidden, detail);

    public static ProblemHttpResult NotFound(string detail) =>
        Problem(StatusCodes.Status404NotFound, "Not found.", Types.NotFound, detail);

    public static ProblemHttpResult UnsupportedMediaType(string detail) =>
        Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type.", Types.UnsupportedMediaType, detail);

    public static ProblemHttpResult PreconditionFailed(string detail) =>
        Problem(StatusCodes.Status412PreconditionFailed, "Precondition failed.", Types.PreconditionFailed, detail);

    public static ProblemHttpResult InUse(string detail, IReadOnlyList<string> usedBy) =>
        Problem(StatusCodes.Status409Conflict, "Still in use.", Types.InUse, detail, new Dictionary<string, object?> { ["usedBy"] = usedBy });

    /// <summary>503: Redis (the catalog store or the counters) cannot be reached.</summary>
    public static ProblemHttpResult StoreUnavailable(string title, string detail) =>
        Problem(StatusCodes.Status503ServiceUnavailable, title, Types.StoreUnavailable, detail);

    public static ProblemHttpResult InvalidToken(string detail) =>
        Problem(StatusCodes.Status400BadRequest, "Invalid event token.", Types.InvalidToken, detail);

    public static ProblemHttpResult ExpiredToken(string detail) =>
        Problem(StatusCodes.Status410Gone, "Expired event token.", Types.ExpiredToken, detail);

    public static ProblemHttpResult FutureToken(string detail) =>
        Problem(StatusCodes.Status400BadRequest, "Event token from the future.", Types.FutureToken, detail);

    /// <summary>403: a browser asked for a site's ads from a page outside the site's domains.</summary>
    public static ProblemHttpResult ForeignOrigin(string detail) =>
        Problem(StatusCodes.Status403Forbidden, "Not one of the site's domains.", Types.ForeignOrigin, detail);

    /// <summary>429: more requests from one client address than the rate limit allows.</summary>
    public static ProblemHttpResult TooManyRequests(string detail) =>
        Problem(StatusCodes.Status429TooManyRequests, "Too many requests.", Types.TooManyRequests, detail);

    public static ProblemHttpResult CreativeGone(string detail) =>
        Problem(StatusCodes.Status404NotFound, "Creative not found.", Types.CreativeGone, detail);

    private static ProblemHttpResult Problem(int status, string title, string type, string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title, type: type, extensions: extensions);
}
