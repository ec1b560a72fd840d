using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Metrocircle.Web.Tests.Infrastructure;

namespace Metrocircle.Web.Tests.Features.Conflicts;

public sealed class ConflictsApiTests(SeededServer server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<JsonObject> Get(string path)
    {
        using var response = await server.Client.GetAsync(path, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!;
    }

    [Fact]
    public async Task anyone_gets_every_patch_as_a_feature_with_the_contract_properties()
    {
        var body = await Get("/conflicts");

        var conflicts = body["conflicts"]!.AsArray();
        Assert.NotEmpty(conflicts);
        Assert.Equal(conflicts.Count, body["numberMatched"]!.GetValue<int>());
        foreach (var c in conflicts.Select(c => c!.AsObject()))
        {
            Assert.Equal("Feature", (string?)c["type"]);
            Assert.StartsWith("cp-", (string?)c["id"], StringComparison.Ordinal);
            Assert.Contains((string?)c["geometry"]!["type"], new[] { "Polygon", "MultiPolygon", "LineString", "MultiLineString" });
            var p = c["properties"]!.AsObject();
            foreach (var name in new[] { "rule", "layerA", "featureA", "layerB", "featureB", "county", "severity", "status" })
            {
                Assert.True(p[name] is JsonValue v && ((string?)v)?.Length > 0, $"{c["id"]}: property {name} is missing or empty");
            }

            Assert.True(p["areaM2"] is not null || p["lengthM"] is not null, $"{c["id"]} has neither areaM2 nor lengthM");
            Assert.Contains((string?)p["status"], new[] { "open", "exempt", "accepted", "resolved" });
        }

        Assert.Equal(conflicts.Count, conflicts.Select(c => (string?)c!["id"]).Distinct().Count());
    }

    [Fact]
    public async Task every_rule_is_summarised_and_one_on_layers_the_plan_lacks_is_not_applicable()
    {
        var rules = (await Get("/conflicts"))["rules"]!.AsArray().Select(r => r!.AsObject()).ToList();

        // The default dataset ships sector:transport layers, but no flood storage layer.
        var flood = Assert.Single(rules, r => (string?)r["rule"] == "C7-construction-flood");
        Assert.False((bool)flood["applicable"]!);
        Assert.Contains("sector:flood-zone", (string?)flood["note"], StringComparison.Ordinal);
        Assert.Contains(rules, r => (bool)r["applicable"]!);
    }

    [Fact]
    public async Task filters_by_rule_county_and_severity_keep_only_matching_patches()
    {
        var all = (await Get("/conflicts"))["conflicts"]!.AsArray();
        var first = all[0]!["properties"]!;
        var (rule, county, severity) = ((string)first["rule"]!, (string)first["county"]!, (string)first["severity"]!);

        var filtered = (await Get($"/conflicts?rule={rule}&county={county}&severity={severity}"))["conflicts"]!.AsArray();

        Assert.NotEmpty(filtered);
        Assert.Equal(filtered.Count, (await Get($"/conflicts?rule={rule}&county={county}&severity={severity}"))["numberMatched"]!.GetValue<int>());
        Assert.All(filtered, c => Assert.Equal((rule, county, severity),
            ((string)c!["properties"]!["rule"]!, (string)c["properties"]!["county"]!, (string)c["properties"]!["severity"]!)));
        Assert.Equal(all.Count(c => (string)c!["properties"]!["rule"]! == rule && (string)c["properties"]!["county"]! == county), filtered.Count);
    }

    [Fact]
    public async Task an_unknown_rule_or_severity_is_a_problem_naming_what_exists()
    {
        using var response = await server.Client.GetAsync("/conflicts?rule=no-such-rule", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("C1-urban-farmland", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        using var severity = await server.Client.GetAsync("/conflicts?severity=critical", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, severity.StatusCode);
    }
}
