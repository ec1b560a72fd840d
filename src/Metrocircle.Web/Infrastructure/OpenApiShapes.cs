using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Metrocircle.Web.Infrastructure;

/// <summary>Corrections to the generated schemas, so that they say what the server writes and the client's types follow.</summary>
internal static class OpenApiShapes
{
    public static Task Apply(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken ct)
    {
        // The web JSON options read numbers from strings too, so the schemas say "integer or string"; the server only
        // ever writes numbers.
        if (schema.Type is { } type && type.HasFlag(JsonSchemaType.String) && (type.HasFlag(JsonSchemaType.Integer) || type.HasFlag(JsonSchemaType.Number)))
        {
            schema.Type = type & ~JsonSchemaType.String;
            schema.Pattern = null;
        }

        // A JSON object passed through as it is (a GeoJSON geometry, a feature's properties) has members of any name.
        if (context.JsonTypeInfo.Type == typeof(JsonObject))
        {
            schema.AdditionalPropertiesAllowed = true;
            schema.AdditionalProperties = new OpenApiSchema();
        }

        return Task.CompletedTask;
    }
}
