using Metrocircle.Web.Infrastructure;
using Metrocircle.Web.Plan;
using Metrocircle.Web.Infrastructure.Access;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Metrocircle.Web.Features.Landing;

/// <summary>The OGC landing page and conformance; browsers asking for HTML get the map page instead.</summary>
public static class LandingApi
{
    private static readonly string[] ConformanceClasses =
    [
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
        "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
        "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
        "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
        "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
        "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
        "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
        "http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
        "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
        "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions-plus",
        "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/core",
        "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tileset",
        "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tilesets-list",
        "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/geodata-tilesets",
        "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/mvt",
    ];

    public static IEndpointRouteBuilder MapLanding(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", GetLanding).WithName("getLandingPage").AllowAnonymous().WithTags("OGC API – Features")
            .WithSummary("Landing page (JSON), or the web map for browsers")
            .Produces<LandingPage>(StatusCodes.Status200OK, Links.Json).Produces<string>(StatusCodes.Status200OK, Links.Html);
        app.MapGet("/conformance", GetConformance).WithName("getConformanceDeclaration").AllowAnonymous().WithTags("OGC API – Features")
            .WithSummary("Conformance classes implemented")
            .Produces<ConformanceDeclaration>(StatusCodes.Status200OK, Links.Json);
        app.MapGet("/import-reports", GetImportReports).WithName("getImportReports").RequireAuthorization(Policies.SignedIn).WithTags("Plan")
            .WithSummary("What every import repaired, patched, trimmed or dropped");
        return app;
    }

    internal static async Task<Results<JsonWriterResult, PhysicalFileHttpResult, ProblemHttpResult>> GetLanding(
        string? version, string? asOf, PlanCatalog catalog, HttpContext context, CancellationToken ct)
    {
        var request = context.Request;
        var f = request.Query["f"].ToString();
        var wantsHtml = f == "html" || (f == "" && request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase)));
        if (f is not ("" or "json" or "html"))
        {
            return Problems.BadRequest("Unsupported format", $"f=\"{f}\" is not offered; use f=json or f=html.", "f");
        }

        if (wantsHtml)
        {
            var env = context.RequestServices.GetRequiredService<IWebHostEnvironment>();
            var index = Path.Combine(env.WebRootPath ?? string.Empty, "index.html");
            return File.Exists(index)
                ? TypedResults.PhysicalFile(index, "text/html; charset=utf-8")
                : TypedResults.Problem($"The web page was not built: {index} is missing. Build the project (it runs `npm ci` and `npm run build` in src/Metrocircle.Web/ClientApp).",
                    statusCode: StatusCodes.Status503ServiceUnavailable, title: "Web page not built");
        }

        var selection = PlanSelection.Now;
        PlanView? view;
        if (version is null && asOf is null)
        {
            view = await catalog.GetAsync(ct);
        }
        else
        {
            var (resolved, asked, problem) = await catalog.ResolveAsync(version, asOf, ct);
            if (problem is not null)
            {
                return problem;
            }

            (view, selection) = (resolved, asked!);
        }

        var root = Links.Base(request);
        return new JsonWriterResult(Links.Json, w =>
        {
            w.WriteStartObject();
            w.WriteString("title", view is null ? "Metrocircle" : $"{view.Plan.TitleEn} · {view.Plan.TitleZh}");
            w.WriteString("description", view is null ? "No plan loaded yet." : view.Plan.Description);
            if (view is not null)
            {
                w.WriteStartObject("metrocircle");
                w.WriteString("planId", view.Plan.Id);
                w.WriteString("titleZh", view.Plan.TitleZh);
                w.WriteString("titleEn", view.Plan.TitleEn);
                w.WriteString("planVersion", view.Version.Id);
                w.WriteString("versionLabel", view.Version.Label);
                w.WriteString("effectiveFrom", view.Version.EffectiveFrom.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
                w.WriteEndObject();
            }

            w.WriteStartArray("links");
            Links.Write(w, selection.Carry($"{root}/?f=json"), "self", Links.Json, "This document");
            Links.Write(w, $"{root}/?f=html", "alternate", Links.Html, "The web map");
            Links.Write(w, $"{root}/api", "service-desc", Links.OpenApi, "The API definition (OpenAPI 3.0)");
            Links.Write(w, $"{root}/conformance", "conformance", Links.Json, "Conformance classes");
            Links.Write(w, selection.Carry($"{root}/collections"), "data", Links.Json, "The plan's collections");
            Links.Write(w, $"{root}/versions", "version-history", Links.Json, "Every version of the plan");
            Links.Write(w, $"{root}/tileMatrixSets", "http://www.opengis.net/def/rel/ogc/1.0/tiling-schemes", Links.Json, "Tile matrix sets for the vector tiles");
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    internal static JsonWriterResult GetConformance() => new(Links.Json, w =>
    {
        w.WriteStartObject();
        w.WriteStartArray("conformsTo");
        foreach (var c in ConformanceClasses)
        {
            w.WriteStringValue(c);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    });

    internal static async Task<Ok<List<ImportReportDto>>> GetImportReports(PlanCatalog catalog, CancellationToken ct)
    {
        var reports = await catalog.Store.GetImportReportsAsync(ct);
        return TypedResults.Ok(reports.Select(r => new ImportReportDto(r.Id, r.At, r.Source, r.Text)).ToList());
    }

    /// <summary>One stored import report as text lines.</summary>
    public sealed record ImportReportDto(long Id, DateTimeOffset At, string Source, string Text);
}
