using System.Globalization;
using System.Text;
using System.Text.Json;
using Metrocircle.Core.Import;
using Metrocircle.Core.Model;
using Metrocircle.Core.Spatial;
using Metrocircle.Formats.Import;

namespace Metrocircle.Formats.Tests.Import;

public sealed class FieldMapTests : IDisposable
{
    private readonly TestFiles _files = new();
    private static readonly Provenance Source = new("agency file", Certainty.Indicative, "test");

    private const string TransportMap = """
        {
          "name": "rail bureau points",
          "kind": "sector:transport",
          "id": "CODE",
          "attributes": {
            "nameZh": { "from": "NAME" },
            "mode": { "from": "TYPE", "values": { "机场": "airport", "港口": "port", "高铁站": "station" } },
            "status": { "from": "STATE", "values": { "已建": "built", "规划": "planned" } },
            "year": { "from": "YEAR" }
          }
        }
        """;

    /// <summary>One GeoJSON text-sequence line from a WKT geometry and the agency's properties.</summary>
    private static string Feature(string wkt, string properties)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            GeoJsonGeometry.Write(w, TestFiles.Read(wkt));
        }

        return $$"""{"type":"Feature","properties":{{properties}},"geometry":{{Encoding.UTF8.GetString(buffer.ToArray())}}}""" + "\n";
    }

    private async Task<(LayerImport Import, ImportReport Report, List<PlanFeature> Features)> ImportAsync(string file, string? map, string? kind = KindSchemas.Transport,
        List<PlanFeature>? passed = null)
    {
        var ct = TestContext.Current.CancellationToken;
        var fieldMap = map is null ? null : await FieldMap.LoadAsync(_files.Text("map.json", map), kind, ct);
        await using var reader = await LayerFile.OpenAsync(file, ct);
        var report = new ImportReport("test");
        var import = await LayerImport.StartAsync(reader, "transport", report, ct, KindSchemas.For(kind), fieldMap);
        var features = passed ?? [];
        try
        {
            await foreach (var f in import.FeaturesAsync(Source, ct))
            {
                features.Add(f);
            }
        }
        finally
        {
            await import.DisposeAsync();
        }

        return (import, report, features);
    }

    private Task<LayerFileException> BadMapAsync(string map, string? kind = KindSchemas.Transport) =>
        Assert.ThrowsAsync<LayerFileException>(() => FieldMap.LoadAsync(_files.Text("bad-map.json", map), kind, TestContext.Current.CancellationToken));

    [Fact]
    public async Task a_mapped_file_carries_the_plan_codes_and_the_report_names_the_map()
    {
        var file = _files.Text("agency.geojsons",
            Feature("POINT (116.41 39.509)", """{"CODE":"A1","NAME":"机场甲","TYPE":"机场","STATE":"已建","YEAR":"2019","EXTRA":"dropped"}""") +
            Feature("POINT (117.79 38.975)", """{"CODE":"P7","NAME":"港口乙","TYPE":"港口","STATE":"规划","YEAR":2030}"""));

        var (import, report, features) = await ImportAsync(file, TransportMap);

        Assert.Equal(["A1", "P7"], features.Select(f => f.Id));
        Assert.Equal("""{"nameZh":"机场甲","mode":"airport","status":"built","year":2019}""", features[0].Properties.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        Assert.Equal(("port", "planned", 2030L), (features[1].Properties["mode"]!.GetValue<string>(), features[1].Properties["status"]!.GetValue<string>(), features[1].Properties["year"]!.GetValue<long>()));
        Assert.Equal(
            [("mode", AttributeType.String, true), ("status", AttributeType.String, true), ("year", AttributeType.Integer, false),
             ("redlineExemption", AttributeType.String, false), ("nameZh", AttributeType.String, false)],
            import.Attributes.Select(a => (a.Name, a.Type, a.Required)));
        Assert.Contains(report.Notes, n => n.Contains("field map map.json \"rail bureau points\"", StringComparison.Ordinal) && n.Contains("TYPE → mode", StringComparison.Ordinal));
    }

    [Fact]
    public async Task values_the_map_does_not_list_are_reported_per_feature_and_no_feature_after_the_first_refusal_is_passed_on()
    {
        var file = _files.Text("agency.geojsons",
            Feature("POINT (116.41 39.509)", """{"CODE":"A1","NAME":"机场甲","TYPE":"机场","STATE":"已建","YEAR":"2019"}""") +
            Feature("POINT (117.79 38.975)", """{"CODE":"P7","NAME":"码头乙","TYPE":"码头","STATE":"规划","YEAR":"2030"}""") +
            Feature("POINT (116.8 39.3)", """{"CODE":"S3","NAME":"车站丙","TYPE":"高铁站","STATE":"拟建","YEAR":"二〇三〇"}""") +
            Feature("POINT (116.9 39.4)", """{"CODE":"S4","NAME":"车站丁","TYPE":"高铁站","STATE":"已建","YEAR":"2012"}"""));
        var passed = new List<PlanFeature>();

        var e = await Assert.ThrowsAsync<ImportRejectedException>(() => ImportAsync(file, TransportMap, passed: passed));

        Assert.Equal(2, e.Features);
        Assert.Equal(
            [(2L, "TYPE", "\"码头\""), (3L, "STATE", "\"拟建\""), (3L, "YEAR", "\"二〇三〇\"")],
            e.Rejections.Select(r => (r.Index, r.Field, r.Value)));
        Assert.Contains("not in the map's values for \"mode\"", e.Rejections[0].Message, StringComparison.Ordinal);
        Assert.Contains("must be integer", e.Rejections[2].Message, StringComparison.Ordinal);
        Assert.Contains("line 2", e.Rejections[0].Feature, StringComparison.Ordinal);
        Assert.Contains("nothing was imported", e.Message, StringComparison.Ordinal);
        // The store's transaction, which these feed, rolls back on the exception; the CLI test checks that no row is left.
        Assert.Equal(["A1"], passed.Select(f => f.Id));
    }

    [Fact]
    public async Task refusals_far_apart_in_a_long_file_are_all_listed_and_only_the_features_before_the_first_are_passed_on()
    {
        // 2,000 features are several validation batches; the refusals fall in different ones.
        var text = new StringBuilder();
        for (var i = 1; i <= 2000; i++)
        {
            var type = i is 700 or 1800 ? "码头" : "机场";
            text.Append(Feature(string.Create(CultureInfo.InvariantCulture, $"POINT ({100 + (i * 0.01)} 39.5)"),
                $$"""{"CODE":"C{{i}}","NAME":"n","TYPE":"{{type}}","STATE":"已建","YEAR":"2019"}"""));
        }

        var passed = new List<PlanFeature>();
        var e = await Assert.ThrowsAsync<ImportRejectedException>(() => ImportAsync(_files.Text("long.geojsons", text.ToString()), TransportMap, passed: passed));

        Assert.Equal(2, e.Features);
        Assert.Equal([(700L, "TYPE"), (1800L, "TYPE")], e.Rejections.Select(r => (r.Index, r.Field)));
        Assert.Equal(Enumerable.Range(1, 699).Select(i => $"C{i}"), passed.Select(f => f.Id));
    }

    [Fact]
    public async Task a_sector_layer_without_a_map_is_held_to_its_codes()
    {
        var file = _files.Text("parks.geojsons",
            Feature("POLYGON ((116 39, 116.1 39, 116.1 39.1, 116 39.1, 116 39))", """{"sector":"biotech","level":"national","form":"park"}""") +
            Feature("POLYGON ((116.2 39, 116.3 39, 116.3 39.1, 116.2 39.1, 116.2 39))", """{"sector":"biotech","level":"county","form":"zone"}"""));

        var e = await Assert.ThrowsAsync<ImportRejectedException>(() => ImportAsync(file, null, KindSchemas.Industry));

        Assert.Equal([("level", "\"county\""), ("form", "\"zone\"")], e.Rejections.Select(r => (r.Field, r.Value)));
        Assert.All(e.Rejections, r => Assert.Equal(2, r.Index));
        Assert.Contains("national, provincial, municipal", e.Rejections[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_map_value_that_is_no_plan_code_is_refused_naming_it()
    {
        var e = await BadMapAsync(TransportMap.Replace("\"机场\": \"airport\"", "\"机场\": \"aerodrome\"", StringComparison.Ordinal));

        Assert.Contains("attributes.mode.values[\"机场\"]: \"aerodrome\" is not a plan code", e.Message, StringComparison.Ordinal);
        Assert.Contains("rail, road, airport, port, station", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_map_naming_an_attribute_spelt_like_a_fixed_one_is_refused_as_a_typo()
    {
        var e = await BadMapAsync(TransportMap.Replace("\"year\":", "\"yaer\":", StringComparison.Ordinal));

        Assert.Contains("attributes.yaer: sector:transport has no attribute \"yaer\"; did you mean \"year\"?", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_map_without_a_source_for_a_required_attribute_is_refused()
    {
        var e = await BadMapAsync(TransportMap.Replace("\"status\": { \"from\": \"STATE\", \"values\": { \"已建\": \"built\", \"规划\": \"planned\" } },", string.Empty, StringComparison.Ordinal));

        Assert.Contains("gives no source for \"status\", which sector:transport requires", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_map_that_is_not_json_names_the_line()
    {
        var e = await BadMapAsync("{\n  \"kind\": \"sector:transport\",\n  \"attributes\": { \"mode\": { \"from\": \"TYPE\" ]\n}");

        Assert.Contains("not valid JSON at line 3", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_map_for_another_kind_than_the_layer_is_refused()
    {
        var e = await BadMapAsync(TransportMap, KindSchemas.Ecology);

        Assert.Contains("written for sector:transport, but the layer is imported as sector:ecology", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_misspelt_member_is_refused_rather_than_ignored()
    {
        var e = await BadMapAsync(TransportMap.Replace("\"from\": \"NAME\"", "\"form\": \"NAME\"", StringComparison.Ordinal));

        Assert.Contains("attributes.nameZh.form: is not a member of a mapped attribute", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_constant_gives_every_feature_the_same_code()
    {
        const string map = """{ "kind": "sector:ecology", "attributes": { "form": { "value": "corridor" }, "nameZh": { "from": "MC" } } }""";
        var file = _files.Text("eco.geojsons", Feature("LINESTRING (116 39, 116.5 39.2)", """{"MC":"河道"}"""));

        var (_, _, features) = await ImportAsync(file, map, null);

        Assert.Equal("corridor", Assert.Single(features).Properties["form"]!.GetValue<string>());
    }

    public void Dispose() => _files.Dispose();
}
