using Suara.Ads.Core.Utilities;

namespace Suara.Ads.Server.Apis;

/// <summary>RFC 9457 problem results used across the API.</summary>
internal static class Problems
{
    public static IResult Validation(ValidationErrors errors, string detail) =>
        TypedResults.ValidationProblem(errors.ToDictionary(), detail: detail, title: "The request is not valid.", type: "https://suara-ads.example/problems/validation");

    public static IResult BadRequest(string detail, string field, string message)
    {
        var errors = new ValidationErrors();
        errors.Add(field, message);
        return Validation(errors, detail);
    }

    public static IResult Unauthorized(string detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status401Unauthorized, title: "Authentication required.", type: "https://suara-ads.example/problems/unauthorized");
}
