using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Metrocircle.Web.Infrastructure;

/// <summary>An endpoint result that writes its JSON straight to the response body, with no intermediate object graph.</summary>
/// <param name="etag">An entity tag (quoted) for a document that never changes under it, or null.</param>
internal sealed class JsonWriterResult(string contentType, Action<Utf8JsonWriter> write, string? etag = null) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.ContentType = contentType;
        if (etag is not null)
        {
            httpContext.Response.Headers.ETag = etag;
        }

        await using var writer = new Utf8JsonWriter(httpContext.Response.BodyWriter, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        write(writer);
        await writer.FlushAsync(httpContext.RequestAborted);
    }
}
