using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Metrocircle.Web.Infrastructure;

/// <summary>
/// The one way a handler reads a JSON body: up to a size limit (413 past it, without holding the rest), and a
/// problem+json that says where the body stopped being JSON (400) instead of an exception.
/// </summary>
internal static class RequestJson
{
    /// <summary>The body as <typeparamref name="T"/>; <paramref name="hint"/> ends the 413 detail with what to do.</summary>
    public static async Task<(T? Value, ProblemHttpResult? Problem)> ReadAsync<T>(HttpRequest request, int maxBytes, CancellationToken ct, string? hint = null)
        where T : class
    {
        var (limited, seen) = await RequestBody.ReadAsync(request, maxBytes, ct);
        if (limited is null)
        {
            return (null, TooLarge(seen, maxBytes, hint));
        }

        try
        {
            await using (limited)
            {
                var value = await JsonSerializer.DeserializeAsync<T>(limited, JsonSerializerOptions.Web, ct);
                return value is null ? (null, Problems.BadRequest("Empty body", "The body is JSON null; send an object.")) : (value, null);
            }
        }
        catch (JsonException e)
        {
            return (null, Malformed(e));
        }
    }

    /// <summary>
    /// The body as a JSON document whose root is an object, for bodies a handler reads member by member (a GeoJSON
    /// Feature, whose geometry Core reads itself); the caller disposes it.
    /// </summary>
    public static async Task<(JsonDocument? Body, ProblemHttpResult? Problem)> ReadObjectAsync(HttpRequest request, int maxBytes, CancellationToken ct, string? hint = null)
    {
        var (limited, seen) = await RequestBody.ReadAsync(request, maxBytes, ct);
        if (limited is null)
        {
            return (null, TooLarge(seen, maxBytes, hint));
        }

        try
        {
            await using (limited)
            {
                var body = await JsonDocument.ParseAsync(limited, cancellationToken: ct);
                if (body.RootElement.ValueKind != JsonValueKind.Object)
                {
                    body.Dispose();
                    return (null, Problems.BadRequest("Not an object", "The body must be a JSON object."));
                }

                return (body, null);
            }
        }
        catch (JsonException e)
        {
            return (null, Malformed(e));
        }
    }

    public static ProblemHttpResult TooLarge(long seen, int maxBytes, string? hint = null) => TypedResults.Problem(
        $"The body has {seen:N0} bytes or more; at most {maxBytes:N0} are accepted.{(hint is null ? "" : " " + hint)}",
        statusCode: StatusCodes.Status413PayloadTooLarge, title: "Body too large");

    private static ProblemHttpResult Malformed(JsonException e) => Problems.BadRequest("Malformed JSON",
        $"The body is not valid JSON or not the expected object (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}{(e.Path is null or "$" ? "" : ", at " + e.Path)}): {e.Message}");
}
