using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Metrocircle.Web.Tests.Infrastructure;

namespace Metrocircle.Web.Tests.Features.Mismatch;

/// <summary>GET /mismatch and the OD import against the seeded default dataset (its SYNTHETIC demo county figures and OD matrix).</summary>
public sealed class MismatchApiTests(SeededServer server) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mc-mismatch-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Observations(string file) => Path.Combine(Metrocircle.Testing.TestPaths.Dataset(), "observations", file);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string user, string csv)
    {
        var client = await server.ClientAsAsync(user);
        using var response = await client.PostAsync("/mismatch/commuting", new StringContent(csv, Encoding.UTF8, "text/csv"), Ct);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>(Ct));
    }

    [Fact]
    public async Task returns_the_findings_of_a_year_each_with_kind_places_value_threshold_and_basis()
    {
        var client = await server.ClientAsAsync(TestAccounts.Office);
        var body = await client.GetFromJsonAsync<JsonElement>("/mismatch?year=2024", Ct);
        Assert.Equal(2024, body.GetProperty("year").GetInt32());
        Assert.True(body.GetProperty("synthetic").GetBoolean());
        var findings = body.GetProperty("findings").EnumerateArray().ToList();
        Assert.Contains(findings, f => f.GetProperty("status").GetString() == "finding");
        foreach (var f in findings)
        {
            foreach (var name in new[] { "kind", "places", "value", "threshold", "basis" })
            {
                Assert.True(f.TryGetProperty(name, out _), $"a finding lacks {name}: {f}");
            }

            Assert.False(string.IsNullOrWhiteSpace(f.GetProperty("basis").GetString()));
        }

        // The dataset has industrial parks, so stored cases are judged against them; no ledger period holds 2024, and the quota finding says so.
        Assert.DoesNotContain(findings, f => f.GetProperty("kind").GetString() == "industry-outside-belts" && f.GetProperty("status").GetString() == "not-applicable");
        var quota = Assert.Single(findings, f => f.GetProperty("kind").GetString() == "quota-demand");
        Assert.Equal("not-applicable", quota.GetProperty("status").GetString());
        Assert.Contains("2024", quota.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(body.GetProperty("places").GetArrayLength(), body.GetProperty("counties").GetArrayLength());
        Assert.NotEmpty(body.GetProperty("crossProvinceFlows").EnumerateArray());
    }

    [Fact]
    public async Task figures_recomputed_by_an_independent_python_script_over_the_same_inputs_agree()
    {
        var client = await server.ClientAsAsync(TestAccounts.Office);
        var text = await client.GetStringAsync("/mismatch?year=2024", Ct);
        var report = Path.Combine(_folder, "report.json");
        await File.WriteAllTextAsync(report, text, Ct);
        var script = Path.Combine(AppContext.BaseDirectory, "Features", "Mismatch", "recompute_mismatch.py");
        var (exit, output) = await Processes.RunAsync("python3", script, report, Observations("synthetic-county.csv"), Observations("synthetic-commuting.csv"), "2024", Jurisdictions.Beijing, "0.05");
        Assert.True(exit == 0, output);
        Assert.Contains("0 disagreements", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_year_missing_or_out_of_range_is_a_problem_naming_the_parameter()
    {
        var client = await server.ClientAsAsync(TestAccounts.Office);
        var missing = await HttpAssertions.GetProblemAsync(client, "/mismatch", HttpStatusCode.BadRequest);
        Assert.Contains("year", missing.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await HttpAssertions.GetProblemAsync(client, "/mismatch?year=1800", HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task bad_od_rows_are_reported_each_with_its_line_and_nothing_is_written()
    {
        var before = (await server.Store.GetCommuteFlowsAsync(null, Ct)).Count;
        var audit = await server.Store.ReadAuditAsync(Ct).CountAsync(a => a.Action == "commuting.imported", Ct);
        var (status, body) = await PostAsync(TestAccounts.Office, $"""
            origin,destination,year,trips,mode,source
            {Jurisdictions.Zhuozhou},{Jurisdictions.Dongcheng},2001,10,all,survey
            nowhere,{Jurisdictions.Dongcheng},2001,10,all,survey
            {Jurisdictions.Sanhe},{Jurisdictions.Dongcheng},2001,-3,all,survey
            {Jurisdictions.Zhuozhou},{Jurisdictions.Dongcheng},2001,12,all,survey
            """);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var rows = body.GetProperty("rows").EnumerateArray().Select(r => (r.GetProperty("line").GetInt32(), r.GetProperty("problem").GetString()!)).ToList();
        Assert.Equal([3, 4, 5], rows.Select(r => r.Item1));
        Assert.Contains("unknown county", rows[0].Item2, StringComparison.Ordinal);
        Assert.Contains("negative", rows[1].Item2, StringComparison.Ordinal);
        Assert.Contains("duplicate", rows[2].Item2, StringComparison.Ordinal);

        var (header, headerBody) = await PostAsync(TestAccounts.Office, $"from,to,year,trips,mode,source\n{Jurisdictions.Zhuozhou},{Jurisdictions.Dongcheng},2001,1,all,s\n");
        Assert.Equal(HttpStatusCode.BadRequest, header);
        Assert.Equal(1, headerBody.GetProperty("rows")[0].GetProperty("line").GetInt32());

        Assert.Equal(before, (await server.Store.GetCommuteFlowsAsync(null, Ct)).Count);
        Assert.Equal(audit, await server.Store.ReadAuditAsync(Ct).CountAsync(a => a.Action == "commuting.imported", Ct));
    }

    [Fact]
    public async Task a_good_file_is_imported_with_an_audit_entry_and_a_reviewer_only_for_flows_touching_their_jurisdiction()
    {
        var foreign = await PostAsync(TestAccounts.TianjinReviewer, $"origin,destination,year,trips,mode,source\n{Jurisdictions.Zhuozhou},{Jurisdictions.Dongcheng},2002,10,all,survey\n");
        Assert.Equal(HttpStatusCode.Forbidden, foreign.Status);
        Assert.Empty(await server.Store.GetCommuteFlowsAsync(2002, Ct));

        var (status, body) = await PostAsync(TestAccounts.HebeiReviewer, $"origin,destination,year,trips,mode,source\n{Jurisdictions.Zhuozhou},{Jurisdictions.Dongcheng},2002,10,all,survey\n");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1, body.GetProperty("added").GetInt32());
        Assert.Equal(10, Assert.Single(await server.Store.GetCommuteFlowsAsync(2002, Ct)).Trips);
        Assert.Contains(await server.Store.ReadAuditAsync(Ct).ToListAsync(Ct), a => a.Action == "commuting.imported" && a.Actor == TestAccounts.HebeiReviewer);
    }

    [Fact]
    public async Task an_anonymous_caller_may_neither_read_nor_import()
    {
        using var read = await server.Client.GetAsync("/mismatch?year=2024", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, read.StatusCode);
        using var import = await server.Client.PostAsync("/mismatch/commuting", new StringContent("origin,destination,year,trips,mode,source\n", Encoding.UTF8, "text/csv"), Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, import.StatusCode);
    }
}
