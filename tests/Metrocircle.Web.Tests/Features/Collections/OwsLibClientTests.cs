using System.Text.Json;
using Metrocircle.Web.Tests.Infrastructure;

namespace Metrocircle.Web.Tests.Features.Collections;

/// <summary>
/// A real Part 3 client, OWSLib (Debian python3-owslib), lists a collection's queryables and filters it with CQL2.
/// GDAL 3.6's OAPIF driver, the one Debian ships here, only speaks the draft's <c>filter-lang=cql-text</c>, so it
/// is not the client for this.
/// </summary>
public sealed class OwsLibClientTests(SeededServer server)
{
    private const string Script = """
        import json, sys
        from owslib.ogcapi.features import Features
        api = Features(sys.argv[1])
        queryables = api.collection_queryables('counties')
        items = api.collection_items('counties', limit=100, filter=sys.argv[2], **{'filter-lang': 'cql2-text'})
        print(json.dumps({'queryables': sorted(queryables['properties']), 'matched': items['numberMatched'],
                          'ids': [f['id'] for f in items['features']], 'provinces': sorted({f['properties']['province'] for f in items['features']})}))
        """;

    [Fact]
    public async Task owslib_lists_the_queryables_and_filters_the_counties_with_cql2()
    {
        // Debian's interpreter, where python3-owslib is installed, even when another python3 comes first on PATH.
        var python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : Requirements.Program("python3", "python3-owslib");
        var (available, why) = await Processes.RunAsync(python, "-c", "import owslib.ogcapi.features");
        if (available != 0)
        {
            var message = $"OWSLib is not installed (Debian package python3-owslib; `.ci/run` installs it): {why}";
            if (Requirements.InCi)
            {
                Assert.Fail(message);
            }

            Assert.Skip(message);
        }

        var (exit, output) = await Processes.RunAsync(python, "-c", Script, server.BaseAddress.ToString().TrimEnd('/'), "province = '天津市' AND areaKm2 > 300");
        Assert.True(exit == 0, output);
        using var doc = JsonDocument.Parse(output);
        var queryables = doc.RootElement.GetProperty("queryables").EnumerateArray().Select(q => q.GetString()).ToList();
        Assert.Contains("province", queryables);
        Assert.Contains("areaKm2", queryables);
        Assert.Contains("geometry", queryables);

        var expected = await ExpectedAsync();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, doc.RootElement.GetProperty("ids").EnumerateArray().Select(i => i.GetString()!));
        Assert.Equal(expected.Count, doc.RootElement.GetProperty("matched").GetInt32());
        Assert.Equal(["天津市"], doc.RootElement.GetProperty("provinces").EnumerateArray().Select(p => p.GetString()));
    }

    /// <summary>The same selection made on the client side from all counties.</summary>
    private async Task<List<string>> ExpectedAsync()
    {
        using var all = JsonDocument.Parse(await server.Client.GetStringAsync("/collections/counties/items?limit=1000", TestContext.Current.CancellationToken));
        return [.. all.RootElement.GetProperty("features").EnumerateArray()
            .Where(f => f.GetProperty("properties").GetProperty("province").GetString() == "天津市" && f.GetProperty("properties").GetProperty("areaKm2").GetDouble() > 300)
            .Select(f => f.GetProperty("id").GetString()!)];
    }
}
