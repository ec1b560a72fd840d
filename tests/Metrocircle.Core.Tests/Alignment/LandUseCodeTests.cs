using System.Text.Json.Nodes;
using Metrocircle.Core.Alignment;
using Metrocircle.Core.Model;
using NetTopologySuite.Geometries;
using static Metrocircle.Core.Tests.Alignment.TestPlan;

namespace Metrocircle.Core.Tests.Alignment;

/// <summary>A check may name its category by a code of the 2023 land- and sea-use classification (用地用海分类).</summary>
public sealed class LandUseCodeTests
{
    private const string InsideUrbanA = "POLYGON ((116.2 39.2, 116.21 39.2, 116.21 39.21, 116.2 39.21, 116.2 39.2))";

    [Theory]
    [InlineData("0701", "housing")] // urban residential land, carried by housing
    [InlineData("0802", "rd-campus")] // research land
    [InlineData("1101", "logistics")]
    [InlineData("1303", "energy")] // power supply land
    [InlineData("1205", "energy")] // pipeline transport: energy carries it, though transport-line carries its class 12
    [InlineData("1201", "transport-line")] // railway land, under the class 12 transport-line carries
    [InlineData("0804", "public-service")] // education land, under 08
    [InlineData("1311", "water-conservancy")]
    [InlineData("1501", "military-facility")]
    [InlineData("07", "housing")] // the first-level class holding only housing's code
    public void a_land_use_code_resolves_to_the_category_carrying_it(string code, string category)
    {
        var verdict = Check(InsideUrbanA, code);
        Assert.Equal(category, verdict.Category);
    }

    [Fact]
    public void a_check_by_code_is_the_same_check_as_by_id()
    {
        var byCode = Check(InsideUrbanA, "0701");
        var byId = Check(InsideUrbanA, "housing");
        Assert.Equal(byId.InputHash, byCode.InputHash);
        Assert.Equal(byId.Result, byCode.Result);
    }

    [Theory]
    [InlineData("1001")] // industrial land: advanced and general manufacturing both carry it
    [InlineData("10")] // the first-level class over both
    public void a_code_two_categories_carry_is_refused_naming_the_candidates(string code)
    {
        var problem = Problem(InsideUrbanA, code);
        Assert.Equal(ProblemKind.Malformed, problem.Kind);
        Assert.Equal("Ambiguous category code", problem.Title);
        Assert.Contains("advanced-manufacturing", problem.Detail, StringComparison.Ordinal);
        Assert.Contains("general-manufacturing", problem.Detail, StringComparison.Ordinal);
        Assert.Contains("1001", problem.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0901")] // commercial land: no category carries it or a class over it
    [InlineData("2501")] // no first-level class 25
    [InlineData("070")] // not two digits per level
    public void a_code_no_category_carries_is_an_unknown_category(string code)
    {
        var problem = Problem(InsideUrbanA, code);
        Assert.Equal(ProblemKind.Invalid, problem.Kind);
        Assert.Equal("Unknown category", problem.Title);
        Assert.Contains("housing (0701)", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void every_shipped_category_carries_a_well_formed_code()
    {
        Assert.All(Snapshot.Categories.Values, c =>
        {
            Assert.NotEmpty(c.Codes);
            Assert.All(c.Codes, code => Assert.True(ProjectCategories.IsLandUseCode(code), $"{c.Id}: {code}"));
        });
    }

    [Fact]
    public void the_build_check_names_a_category_without_codes_a_malformed_code_and_a_rule_naming_a_missing_category()
    {
        PlanFeature Record(string layer, string id, JsonObject props) => new(layer, id, (Geometry?)null, props, new Provenance("test", Certainty.Synthetic, "test"));
        var features = new List<PlanFeature>
        {
            Record("categories", "ok", new JsonObject { ["landUseCodes"] = new JsonArray("0701") }),
            Record("categories", "none", []),
            Record("categories", "bad", new JsonObject { ["landUseCodes"] = new JsonArray("7") }),
            Record("rules", "R9", new JsonObject { ["when"] = JsonNode.Parse("""{"all":[{"category":{"in":["ok","casino"]}}]}""") }),
        };

        var problems = ProjectCategories.CheckBuild(features);

        Assert.Equal(3, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("category none has no landUseCodes", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("\"7\"", StringComparison.Ordinal));
        Assert.Contains(problems, p => p == "rule R9 names category \"casino\", which the catalogue does not hold");
    }

    [Fact]
    public void categories_stored_without_codes_still_resolve_by_id()
    {
        var old = new Dictionary<string, ProjectCategory>(StringComparer.Ordinal) { ["housing"] = new("housing", "居住", "Housing", null, false) };
        Assert.Equal("housing", ProjectCategories.Resolve(old, "housing").Category?.Id);
        Assert.Null(ProjectCategories.Resolve(old, "0701").Category);
        Assert.Empty(ProjectCategories.Resolve(old, "0701").Candidates);
    }
}
