using System.Net;
using System.Text;
using System.Text.Json;
using Metrocircle.Web.Tests.Infrastructure;

namespace Metrocircle.Web.Tests.Features.Access;

/// <summary>
/// Every operation of the OpenAPI document, called by every role (anonymous included), is allowed or denied exactly
/// as the table below says. An operation missing from the table fails the test, so a new endpoint cannot ship
/// without someone deciding who may call it.
/// </summary>
public sealed class AuthorizationMatrixTests(SeededServer server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Anonymous = "anonymous";
    private const string Admin = "administrator";
    private const string Office = "coordination-office";
    private const string Reviewer = "reviewer";
    private const string Proponent = "proponent";
    private const string National = "national-reviewer";

    private static readonly string[] Everyone = [Anonymous, Admin, Office, Reviewer, Proponent, National];
    private static readonly string[] SignedIn = [Admin, Office, Reviewer, Proponent, National];
    private static readonly string[] Reviewing = [Admin, Office, Reviewer];
    private static readonly string[] Deciding = [Admin, Office, Reviewer, National];
    private static readonly string[] RegionWide = [Admin, Office];
    private static readonly string[] Proponents = [Proponent];
    private static readonly string[] Administrators = [Admin];
    private static readonly string[] Offices = [Office];

    /// <summary>Who may call what. Anonymous callers read the published plan (layers, tiles, categories) and nothing else.</summary>
    private static readonly Dictionary<string, string[]> Expected = new(StringComparer.Ordinal)
    {
        ["GET /"] = Everyone,
        ["GET /conformance"] = Everyone,
        ["GET /collections"] = Everyone,
        ["GET /collections/{collectionId}"] = Everyone,
        ["GET /collections/{collectionId}/items"] = Everyone,
        ["GET /collections/{collectionId}/items/{featureId}"] = Everyone,
        ["GET /collections/{collectionId}/items/{featureId}/history"] = Everyone,
        ["GET /collections/{collectionId}/queryables"] = Everyone,
        ["GET /collections/{collectionId}/stats"] = Everyone,
        ["GET /versions"] = Everyone,
        ["GET /versions/{versionId}"] = Everyone,
        ["GET /tileMatrixSets"] = Everyone,
        ["GET /tileMatrixSets/{tileMatrixSetId}"] = Everyone,
        ["GET /collections/{collectionId}/tiles"] = Everyone,
        ["GET /collections/{collectionId}/tiles/{tileMatrixSetId}"] = Everyone,
        ["GET /collections/{collectionId}/tiles/{tileMatrixSetId}/tilejson.json"] = Everyone,
        ["GET /collections/{collectionId}/tiles/{tileMatrixSetId}/{tileMatrix}/{tileRow}/{tileCol}"] = Everyone,
        ["GET /categories"] = Everyone,
        ["GET /conflicts"] = Everyone,
        ["POST /conflicts/{conflictId}/acceptance"] = Offices,
        ["DELETE /conflicts/{conflictId}/acceptance"] = Offices,
        ["GET /collections/conflicts"] = Everyone,
        ["GET /collections/conflicts/items"] = Everyone,
        ["GET /collections/conflicts/items/{featureId}"] = Everyone,
        ["GET /collections/conflicts/tiles/{tileMatrixSetId}/{tileMatrix}/{tileRow}/{tileCol}"] = Everyone,
        ["GET /import-reports"] = SignedIn,
        ["POST /checks"] = SignedIn,
        ["GET /checks/{checkId}"] = SignedIn,
        ["GET /checks/{checkId}/report"] = SignedIn,
        ["GET /indicators"] = SignedIn,
        ["GET /indicators/warnings"] = SignedIn,
        ["GET /indicators/{indicatorId}"] = SignedIn,
        ["GET /indicators/{indicatorId}/observations/history"] = SignedIn,
        ["POST /indicators/observations"] = Reviewing,
        ["GET /health-check/{year}"] = SignedIn,
        ["GET /mismatch"] = SignedIn,
        ["POST /mismatch/commuting"] = Reviewing,
        ["GET /tasks"] = SignedIn,
        ["GET /tasks/warnings"] = SignedIn,
        ["GET /tasks/{taskId}"] = SignedIn,
        ["POST /tasks/{taskId}/progress"] = Reviewing,
        ["POST /auth/sign-in"] = Everyone,
        ["POST /auth/sign-out"] = SignedIn,
        ["GET /auth/me"] = SignedIn,
        ["POST /auth/password"] = SignedIn,
        ["POST /auth/tokens"] = SignedIn,
        ["GET /users"] = Administrators,
        ["POST /users"] = Administrators,
        ["POST /users/{userName}/disable"] = Administrators,
        ["POST /users/{userName}/enable"] = Administrators,
        ["POST /users/{userName}/reset-password"] = Administrators,
        ["POST /cases"] = Proponents,
        ["GET /cases"] = SignedIn,
        ["GET /cases/{caseId}"] = SignedIn,
        ["POST /cases/{caseId}/tasks/{taskId}/decision"] = Deciding,
        ["POST /cases/{caseId}/override"] = Reviewing,
        ["POST /cases/{caseId}/revisions"] = Proponents,
        ["POST /cases/{caseId}/withdraw"] = Proponents,
        ["POST /cases/{caseId}/attachments"] = SignedIn,
        ["GET /cases/{caseId}/attachments/{attachmentId}"] = SignedIn,
        ["POST /cases/escalations"] = RegionWide,
        ["POST /amendments"] = Reviewing,
        ["GET /amendments"] = Everyone,
        ["GET /amendments/{amendmentId}"] = Everyone,
        ["GET /amendments/{amendmentId}/impact"] = Everyone,
        ["POST /amendments/{amendmentId}/submit"] = Reviewing,
        ["POST /amendments/{amendmentId}/withdraw"] = Reviewing,
        ["POST /amendments/{amendmentId}/comments"] = Everyone,
        ["POST /amendments/{amendmentId}/comments/{commentId}/moderation"] = RegionWide,
        ["POST /amendments/{amendmentId}/comments/{commentId}/answer"] = Reviewing,
        ["GET /ledger/accounts"] = Reviewing,
        ["GET /ledger/balances"] = Reviewing,
        ["GET /ledger/holds"] = Reviewing,
        ["GET /ledger/transactions"] = Reviewing,
        ["POST /ledger/transfers"] = Reviewing,
    };

    /// <summary>Values for path parameters: real where the answer should be 200, harmless unknowns elsewhere.</summary>
    private static readonly Dictionary<string, string> PathValues = new(StringComparer.Ordinal)
    {
        ["collectionId"] = "provinces",
        ["featureId"] = Jurisdictions.Beijing,
        ["tileMatrixSetId"] = "WebMercatorQuad",
        ["tileMatrix"] = "5",
        ["tileRow"] = "12",
        ["tileCol"] = "26",
        ["checkId"] = "chk-matrix-unknown",
        ["indicatorId"] = "beijing-resident-population",
        ["year"] = "2030",
        ["taskId"] = "matrix-unknown-task",
        ["userName"] = "matrix-nobody",
        ["caseId"] = "case-matrix-unknown",
        ["attachmentId"] = "att-matrix-unknown",
        ["amendmentId"] = "am-matrix-unknown",
        ["commentId"] = "c-matrix-unknown",
        ["versionId"] = "capital-circle-2023-2035@2026-02-03",
        ["conflictId"] = "cp-matrix-unknown",
    };

    [Fact]
    public async Task every_endpoint_allows_and_denies_every_role_as_the_table_says()
    {
        using var doc = JsonDocument.Parse(await server.Client.GetStringAsync("/api", Ct));
        var operations = new List<(string Method, string Path)>();
        foreach (var path in doc.RootElement.GetProperty("paths").EnumerateObject())
        {
            foreach (var op in path.Value.EnumerateObject().Where(o => o.Name is "get" or "post" or "put" or "patch" or "delete"))
            {
                operations.Add((op.Name.ToUpperInvariant(), path.Name));
            }
        }

        var keys = operations.Select(o => $"{o.Method} {o.Path}").ToList();
        var unlisted = keys.Except(Expected.Keys).ToList();
        Assert.True(unlisted.Count == 0, $"endpoints without a row in the authorization table: {string.Join(", ", unlisted)}");
        var stale = Expected.Keys.Except(keys).ToList();
        Assert.True(stale.Count == 0, $"rows for endpoints the OpenAPI document no longer has: {string.Join(", ", stale)}");

        // Fresh sessions, not the shared ones: the matrix signs out at the end.
        var tokens = new Dictionary<string, string?>
        {
            [Anonymous] = null,
            [Admin] = await TestAccounts.SignInAsync(server.Client, TestAccounts.Admin),
            [Office] = await TestAccounts.SignInAsync(server.Client, TestAccounts.Office),
            [Reviewer] = await TestAccounts.SignInAsync(server.Client, TestAccounts.TianjinReviewer),
            [Proponent] = await TestAccounts.SignInAsync(server.Client, TestAccounts.OtherProponent),
            [National] = await TestAccounts.SignInAsync(server.Client, TestAccounts.NationalNaturalResources),
        };

        var wrong = new List<string>();
        var calls = 0;
        foreach (var (method, path) in operations.OrderBy(o => o.Path == "/auth/sign-out" ? 1 : 0).ThenBy(o => o.Path, StringComparer.Ordinal))
        {
            var url = string.Join('/', path.Split('/').Select(segment =>
                segment.StartsWith('{') ? PathValues[segment.Trim('{', '}')] : segment));
            foreach (var (role, token) in tokens)
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), url);
                if (method != "GET")
                {
                    // A body of a type the endpoint accepts, so that routing's 415 cannot stand in for the access rule.
                    request.Content = path == "/mismatch/commuting"
                        ? new StringContent("origin,destination,year,trips,mode,source\n", Encoding.UTF8, "text/csv")
                        : new StringContent("{}", Encoding.UTF8, "application/json");
                }

                if (token is not null)
                {
                    request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
                }

                using var response = await server.Client.SendAsync(request, Ct);
                calls++;
                var status = response.StatusCode;
                var allowed = Expected[$"{method} {path}"].Contains(role);
                var denied = status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden;
                if (allowed == denied)
                {
                    wrong.Add($"{method} {url} as {role}: {(int)status}, expected {(allowed ? "allowed" : "denied")}");
                }
                else if (!allowed && role == Anonymous && status != HttpStatusCode.Unauthorized)
                {
                    wrong.Add($"{method} {url} as anonymous: {(int)status}, expected 401 (sign in) not 403");
                }
                else if (denied)
                {
                    Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                }
            }
        }

        Assert.True(wrong.Count == 0, $"{wrong.Count} of {calls} calls broke the table:\n{string.Join("\n", wrong)}");
        Assert.Equal(operations.Count * tokens.Count, calls);
    }
}
