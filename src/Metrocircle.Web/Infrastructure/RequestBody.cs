using Microsoft.AspNetCore.Http;

namespace Metrocircle.Web.Infrastructure;

/// <summary>Reads a request body up to a limit, so an oversized upload is refused without being held in memory.</summary>
internal static class RequestBody
{
    /// <summary>The body, or null with the byte count seen once it passes <paramref name="maxBytes"/>.</summary>
    public static async Task<(MemoryStream? Body, long Seen)> ReadAsync(HttpRequest request, int maxBytes, CancellationToken ct)
    {
        if (request.ContentLength > maxBytes)
        {
            return (null, request.ContentLength.Value);
        }

        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                var seen = buffer.Length + read;
                await buffer.DisposeAsync();
                return (null, seen);
            }

            buffer.Write(chunk, 0, read);
        }

        buffer.Position = 0;
        return (buffer, buffer.Length);
    }
}
