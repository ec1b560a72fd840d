using System.Text.Json.Nodes;
using Metrocircle.Core.Filtering;
using Metrocircle.Core.Model;
using Metrocircle.Core.Spatial;
using NetTopologySuite.IO;

namespace Metrocircle.Core.Tests.Filtering;

public sealed class Cql2FilterTests
{
    private static readonly PlanLayer Layer = new("towns", "test", "镇", "Towns", "Test layer", LayerGeometry.Polygon, 1,
    [
        new AttributeDefinition("name", AttributeType.String, Required: true),
        new AttributeDefinition("population", AttributeType.Number),
        new AttributeDefinition("seats", AttributeType.Integer),
        new AttributeDefinition("coastal", AttributeType.Boolean),
        new AttributeDefinition("founded", AttributeType.Date),
        new AttributeDefinition("note", AttributeType.String),
    ]);

    private static readonly PlanFeature Alpha = Town("alpha", "Alpha Town", 120_000, 7, true, "1990-05-01", "POLYGON((116 39, 117 39, 117 40, 116 40, 116 39))", note: "it's 50% done");
    private static readonly PlanFeature Beta = Town("beta", "Beta", 40_000, 3, false, "2005-01-01", "POLYGON((118 39, 119 39, 119 40, 118 40, 118 39))");
    private static readonly PlanFeature Gamma = Town("gamma", "Gamma City", null, 12, false, "2020-12-31", "POLYGON((116.5 38, 117.5 38, 117.5 38.5, 116.5 38.5, 116.5 38))");
    private static readonly PlanFeature[] All = [Alpha, Beta, Gamma];

    private static PlanFeature Town(string id, string name, double? population, int seats, bool coastal, string founded, string wkt, string? note = null)
    {
        var properties = new JsonObject { ["name"] = name, ["seats"] = seats, ["coastal"] = coastal, ["founded"] = founded };
        if (population is { } p)
        {
            properties["population"] = p;
        }

        if (note is not null)
        {
            properties["note"] = note;
        }

        var geometry = new WKTReader(GeoJsonGeometry.Services).Read(wkt);
        return new PlanFeature("towns", id, geometry, properties, new Provenance("synthetic test data", Certainty.Synthetic));
    }

    private static string[] Select(string filter)
    {
        Assert.True(Cql2Filter.TryParse(filter, Cql2Filter.Queryables(Layer), GeoJsonGeometry.Factory, out var parsed, out var error, out var position),
            $"{filter}: {error} at {position}");
        return [.. All.Where(parsed!.Matches).Select(f => f.Id)];
    }

    [Theory]
    [InlineData("name = 'Beta'", "beta")]
    [InlineData("name <> 'Beta'", "alpha,gamma")]
    [InlineData("population > 50000", "alpha")]
    [InlineData("population >= 40000", "alpha,beta")]
    [InlineData("population < 100000", "beta")]
    [InlineData("population <= 40000.0", "beta")]
    [InlineData("seats = 12", "gamma")]
    [InlineData("population > -1.5e3", "alpha,beta")]
    [InlineData("coastal = TRUE", "alpha")]
    [InlineData("coastal = false", "beta,gamma")]
    [InlineData("founded > DATE('2000-01-01')", "beta,gamma")]
    [InlineData("founded = '2005-01-01'", "beta")]
    [InlineData("seats > 5 AND coastal = FALSE", "gamma")]
    [InlineData("seats < 5 OR coastal = TRUE", "alpha,beta")]
    [InlineData("seats < 5 OR seats > 10 AND coastal = TRUE", "beta")]
    [InlineData("(seats < 5 OR seats > 10) AND coastal = FALSE", "beta,gamma")]
    [InlineData("NOT seats = 3", "alpha,gamma")]
    [InlineData("NOT (seats = 3 OR seats = 7)", "gamma")]
    [InlineData("name IN ('Beta', 'Gamma City', 'Nowhere')", "beta,gamma")]
    [InlineData("seats NOT IN (3, 7)", "gamma")]
    [InlineData("name LIKE '%Town'", "alpha")]
    [InlineData("name LIKE '_eta'", "beta")]
    [InlineData("name NOT LIKE 'G%'", "alpha,beta")]
    [InlineData("note LIKE '%50\\% done'", "alpha")]
    [InlineData("note LIKE 'it''s%'", "alpha")]
    [InlineData("seats BETWEEN 3 AND 7", "alpha,beta")]
    [InlineData("seats NOT BETWEEN 3 AND 7 AND seats > 0", "gamma")]
    [InlineData("population IS NULL", "gamma")]
    [InlineData("population IS NOT NULL", "alpha,beta")]
    [InlineData("note IS NULL AND seats < 10", "beta")]
    [InlineData("certainty = 'synthetic' AND source LIKE 'synthetic%'", "alpha,beta,gamma")]
    [InlineData("\"name\" = 'Beta'", "beta")]
    [InlineData("S_INTERSECTS(geometry, POINT(116.5 39.5))", "alpha")]
    [InlineData("s_intersects(geometry, POLYGON((116.9 38.2, 118.5 38.2, 118.5 39.1, 116.9 39.1, 116.9 38.2)))", "alpha,beta,gamma")]
    [InlineData("S_INTERSECTS(BBOX(118.5, 39.5, 120, 41), geometry)", "beta")]
    [InlineData("S_INTERSECTS(geometry, LINESTRING(110 38.25, 120 38.25)) AND seats > 10", "gamma")]
    [InlineData("S_INTERSECTS(geometry, MULTIPOINT((116.5 39.5), (118.5 39.5)))", "alpha,beta")]
    [InlineData("TRUE", "alpha,beta,gamma")]
    [InlineData("name = 'Beta' and seats = 3", "beta")]
    public void selects_the_features_a_filter_describes(string filter, string expected) =>
        Assert.Equal(expected.Split(','), Select(filter));

    [Fact]
    public void a_comparison_with_a_missing_property_is_unknown_and_so_is_its_negation() =>
        // Gamma has no population: neither "> 0" nor "NOT > 0" holds for it (CQL2's three-valued logic).
        Assert.Equal(["alpha", "beta", "alpha", "beta"], [.. Select("population > 0"), .. Select("NOT population <= 0")]);

    [Theory]
    [InlineData("nmae = 'Beta'", 1, "unknown property \"nmae\"")]
    [InlineData("name = 'Beta' AND colour = 'red'", 19, "unknown property \"colour\"")]
    [InlineData("population > 'many'", 14, "property \"population\" is a number")]
    [InlineData("name = 3", 8, "property \"name\" is a string")]
    [InlineData("name = 'Beta", 8, "not closed")]
    [InlineData("name = 'Beta' AND", 18, "the end of the filter")]
    [InlineData("name == 'Beta'", 7, "expected a property name or a literal")]
    [InlineData("(name = 'Beta'", 15, "expected ')'")]
    [InlineData("name 'Beta'", 6, "expected a comparison")]
    [InlineData("seats BETWEEN 3 OR 7", 17, "expected AND")]
    [InlineData("name = 'Beta' seats = 3", 15, "expected AND, OR or the end")]
    [InlineData("S_WITHIN(geometry, POINT(1 2))", 1, "function S_WITHIN is not supported")]
    [InlineData("S_INTERSECTS(geometry, POINT(1))", 24, "not valid WKT")]
    [InlineData("S_INTERSECTS(name, POINT(1 2))", 14, "property \"name\" is a string")]
    [InlineData("geometry = 'x'", 1, "can only be used in S_INTERSECTS")]
    [InlineData("name LIKE seats", 6, "LIKE needs a character string")]
    [InlineData("name = 'a' ; DROP TABLE feature", 12, "unexpected character ';'")]
    [InlineData("founded > DATE('yesterday')", 16, "DATE needs a date")]
    [InlineData("   ", 1, "the filter is empty")]
    public void refuses_a_bad_filter_saying_what_and_where(string filter, int position, string message)
    {
        Assert.False(Cql2Filter.TryParse(filter, Cql2Filter.Queryables(Layer), GeoJsonGeometry.Factory, out var parsed, out var error, out var at));
        Assert.Null(parsed);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.Equal(position, at);
    }

    [Fact]
    public void an_unknown_property_is_named_with_the_queryables_to_choose_from()
    {
        Assert.False(Cql2Filter.TryParse("colour = 'red'", Cql2Filter.Queryables(Layer), GeoJsonGeometry.Factory, out _, out var error, out _));
        Assert.Contains("the queryables are basis, certainty, coastal, founded, geometry, name, note, population, seats, source, validFrom, validTo", error, StringComparison.Ordinal);
    }
}
