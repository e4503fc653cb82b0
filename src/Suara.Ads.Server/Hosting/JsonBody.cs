using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Suara.Ads.Core.Utilities;

namespace Suara.Ads.Server.Hosting;

/// <summary>
/// Reads a JSON request body with a size limit, turning every way it can be wrong (too large, empty, malformed,
/// wrong types) into a 400 problem that names the offending field.
/// </summary>
internal static class JsonBody
{
    /// <param name="request">The request whose body is read.</param>
    /// <param name="type">What the body must be.</param>
    /// <param name="maxBytes">The most the body may have.</param>
    /// <param name="what">What the body is, for messages ("a campaign").</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <param name="strict">Refuse fields the type does not know (the admin API: a field is never silently dropped).</param>
    public static Task<(T? Body, IResult? Problem)> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> type, int maxBytes, string what, CancellationToken cancellationToken, bool strict = false)
        where T : class =>
        ReadAsync<T>(request, maxBytes, what, cancellationToken, json => Deserialize(json, type, what, strict));

    /// <summary>Reads a body that must be a JSON object, as a <see cref="System.Text.Json.Nodes.JsonObject"/> (a merge patch).</summary>
    public static Task<(System.Text.Json.Nodes.JsonObject? Body, IResult? Problem)> ReadObjectAsync(HttpRequest request, int maxBytes, string what, CancellationToken cancellationToken) =>
        ReadAsync<System.Text.Json.Nodes.JsonObject>(request, maxBytes, what, cancellationToken, json => System.Text.Json.Nodes.JsonNode.Parse(json) is System.Text.Json.Nodes.JsonObject body
            ? (body, null)
            : (null, Problems.BadRequest($"The body is not {what}.", "body", "a JSON object is required")));

    private static (T? Body, IResult? Problem) Deserialize<T>(ReadOnlySpan<byte> json, JsonTypeInfo<T> type, string what, bool strict)
        where T : class
    {
        var body = JsonSerializer.Deserialize(json, type);
        if (strict && body is not null)
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            var unknown = new ValidationErrors();
            JsonFields.FindUnknown(document.RootElement, type, "", unknown);
            if (!unknown.IsEmpty)
            {
                return (null, Problems.Validation(unknown, $"The body has fields that are not part of {what}; nothing was stored."));
            }
        }

        return body is null
            ? (null, Problems.BadRequest("The body is not a JSON object.", "body", "a JSON object is required"))
            : (body, null);
    }

    private delegate (T? Body, IResult? Problem) Parser<T>(ReadOnlySpan<byte> json);

    private static async Task<(T? Body, IResult? Problem)> ReadAsync<T>(HttpRequest request, int maxBytes, string what, CancellationToken cancellationToken, Parser<T> parse)
        where T : class
    {
        if (request.ContentLength > maxBytes)
        {
            return (null, TooLarge(maxBytes));
        }

        // Read at most one byte past the limit, so an oversized body without Content-Length is refused too.
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(maxBytes + 1, 1 << 20));
        try
        {
            var length = 0;
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > maxBytes)
                    {
                        break;
                    }

                    var grown = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, maxBytes + 1));
                    buffer.AsSpan(0, length).CopyTo(grown);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = grown;
                }

                var read = await request.Body.ReadAsync(buffer.AsMemory(length, Math.Min(buffer.Length, maxBytes + 1) - length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                length += read;
                if (length > maxBytes)
                {
                    break;
                }
            }

            if (length > maxBytes)
            {
                return (null, TooLarge(maxBytes));
            }

            if (length == 0)
            {
                return (null, Problems.BadRequest("The request has no body.", "body", "a JSON object is required"));
            }

            try
            {
                return parse(buffer.AsSpan(0, length));
            }
            catch (JsonException ex)
            {
                var field = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "body" : ex.Path.TrimStart('$', '.');
                var message = ex.LineNumber is { } line && ex.BytePositionInLine is { } pos
                    ? $"malformed JSON or a value of the wrong type (line {line + 1}, byte {pos + 1})"
                    : "malformed JSON or a value of the wrong type";
                return (null, Problems.BadRequest($"The body is not valid JSON for {what}.", field, message));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static IResult TooLarge(int maxBytes) =>
        Problems.BadRequest("The request body is too large.", "body", $"at most {maxBytes} bytes");
}
