using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Metrocircle.Web.Infrastructure;

/// <summary>Absolute links built from the request, so that clients behind the same host name get working URLs.</summary>
internal static class Links
{
    public const string GeoJson = "application/geo+json";
    public const string Json = "application/json";
    public const string Html = "text/html";
    public const string OpenApi = "application/vnd.oai.openapi+json;version=3.0";

    public static string Base(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}";

    public static void Write(Utf8JsonWriter w, string href, string rel, string type, string? title = null)
    {
        w.WriteStartObject();
        w.WriteString("href", href);
        w.WriteString("rel", rel);
        w.WriteString("type", type);
        if (title is not null)
        {
            w.WriteString("title", title);
        }

        w.WriteEndObject();
    }
}
