using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Metrocircle.Web.Infrastructure;

/// <summary>An endpoint result that writes its JSON straight to the response body, with no intermediate object graph.</summary>
internal sealed class JsonWriterResult(string contentType, Action<Utf8JsonWriter> write) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.ContentType = contentType;
        await using var writer = new Utf8JsonWriter(httpContext.Response.BodyWriter, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        write(writer);
        await writer.FlushAsync(httpContext.RequestAborted);
    }
}
