using Metrocircle.Testing;
using Metrocircle.Web.Tests.Infrastructure;

namespace Metrocircle.Web.Tests;

/// <summary>
/// The committed OpenAPI document is the contract the web client's types are generated from: a handler whose wire
/// shape changes fails here until the document is regenerated and committed (and then fails the client's type check
/// wherever the client relied on the old shape).
/// </summary>
public sealed class OpenApiDocumentTests(SeededServer server)
{
    /// <summary>Set to 1 to rewrite the committed document from the served one instead of comparing them.</summary>
    public const string WriteVariable = "METROCIRCLE_WRITE_OPENAPI";

    public static string CommittedPath => Path.Combine(TestPaths.RepoRoot, "src", "Metrocircle.Web", "openapi.json");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task the_served_openapi_document_is_the_committed_one()
    {
        var served = (await server.Client.GetStringAsync("/api", Ct)).ReplaceLineEndings("\n");
        if (Environment.GetEnvironmentVariable(WriteVariable) == "1")
        {
            await File.WriteAllTextAsync(CommittedPath, served, Ct);
        }

        var committed = File.Exists(CommittedPath) ? (await File.ReadAllTextAsync(CommittedPath, Ct)).ReplaceLineEndings("\n") : "";
        if (committed != served)
        {
            Assert.Fail($"GET /api differs from src/Metrocircle.Web/openapi.json {FirstDifference(committed, served)}. If the endpoint change is intended, run "
                + $"`{WriteVariable}=1 dotnet test tests/Metrocircle.Web.Tests --filter FullyQualifiedName~OpenApiDocumentTests`, then `npm run gen:api` "
                + "in src/Metrocircle.Web/ClientApp, fix what the client's type check reports, and commit the document with the client.");
        }
    }

    [Fact]
    public async Task the_served_document_names_no_server_so_it_does_not_depend_on_the_host()
    {
        var served = await server.Client.GetStringAsync("/api", Ct);
        Assert.DoesNotContain(server.BaseAddress.Authority, served, StringComparison.Ordinal);
    }

    private static string FirstDifference(string committed, string served)
    {
        var a = committed.Split('\n');
        var b = served.Split('\n');
        for (var i = 0; i < Math.Max(a.Length, b.Length); i++)
        {
            var left = i < a.Length ? a[i] : "(end of file)";
            var right = i < b.Length ? b[i] : "(end of document)";
            if (left != right)
            {
                return $"from line {i + 1}: committed `{left.Trim()}`, served `{right.Trim()}`";
            }
        }

        return "(only in line endings)";
    }
}
