using System.Text.Json;
using Metrocircle.Core.Alignment;
using static Metrocircle.Core.Tests.Alignment.TestPlan;

namespace Metrocircle.Core.Tests.Alignment;

public sealed class AlignmentCheckerTests
{
    private const string Site = "POLYGON ((116.45 39.2, 116.55 39.2, 116.55 39.25, 116.45 39.25, 116.45 39.2))";

    [Fact]
    public void reports_jurisdiction_and_circle_shares_in_equal_area_hectares()
    {
        var verdict = Check(Site, "housing");
        Assert.Equal(["110101", "110112"], verdict.Jurisdictions.Select(j => j.Id).Order());
        Assert.Equal(1.0, verdict.Jurisdictions.Sum(j => j.Share), 1e-6);
        Assert.All(verdict.Jurisdictions, j => Assert.Equal(0.5, j.Share, 0.01));
        // 0.1° × 0.05° at 39.2°N is about 8.63 km × 5.55 km.
        Assert.InRange(verdict.AreaHa, 4_750, 4_850);
        var circle = Assert.Single(verdict.Circles);
        Assert.Equal("commuting", circle.Id);
        Assert.Equal(1.0, circle.Share, 1e-6);
    }

    [Fact]
    public void the_same_input_gives_the_same_verdict_and_hash_every_time()
    {
        var first = JsonSerializer.Serialize(Check(Site, "housing"));
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(first, JsonSerializer.Serialize(Check(Site, "housing")));
        }
    }

    [Fact]
    public void the_hash_ignores_ring_start_and_orientation_but_not_the_category()
    {
        var a = Check(Site, "housing").InputHash;
        var rotated = Check("POLYGON ((116.55 39.2, 116.55 39.25, 116.45 39.25, 116.45 39.2, 116.55 39.2))", "housing").InputHash;
        Assert.Equal(a, rotated);
        Assert.NotEqual(a, Check(Site, "logistics").InputHash);
        Assert.StartsWith("sha256:", a, StringComparison.Ordinal);
    }

    [Fact]
    public void records_the_plan_version_and_rules_version()
    {
        var verdict = Check(Site, "housing");
        Assert.Equal("test@1", verdict.PlanVersion);
        Assert.Equal("2026.2", verdict.RulesVersion);
        Assert.Equal(Snapshot.Rules.Count, verdict.Rules.Count);
    }

    [Fact]
    public void a_point_site_is_buffered_by_its_width()
    {
        var verdict = Check("POINT (116.2 39.2)", "public-service", bufferM: 100);
        Assert.InRange(verdict.AreaHa, 3.0, 3.15);
    }

    [Fact]
    public void rejects_a_self_intersecting_footprint_with_its_location()
    {
        var problem = Problem("POLYGON ((116.2 39.2, 116.3 39.3, 116.3 39.2, 116.2 39.3, 116.2 39.2))", "housing");
        Assert.Equal(ProblemKind.Invalid, problem.Kind);
        Assert.Contains("116.25 39.25", problem.Detail, StringComparison.Ordinal);
        Assert.Equal(116.25, problem.Location!.X, 1e-9);
    }

    [Theory]
    [InlineData("POLYGON EMPTY", "housing", ProblemKind.Invalid, "Empty geometry")]
    [InlineData("POLYGON ((450000 4400000, 450100 4400000, 450100 4400100, 450000 4400000))", "housing", ProblemKind.Invalid, "Coordinates are not longitude/latitude")]
    [InlineData("POLYGON ((10 10, 10.1 10, 10.1 10.1, 10 10))", "housing", ProblemKind.Invalid, "Outside the plan area")]
    [InlineData("POLYGON ((116.2 39.2, 116.3 39.2, 116.3 39.3, 116.2 39.2))", "casino", ProblemKind.Invalid, "Unknown category")]
    [InlineData("POLYGON ((116.2 39.2, 116.3 39.2, 116.3 39.3, 116.2 39.2))", null, ProblemKind.Malformed, "Missing category")]
    [InlineData("POINT (116.2 39.2)", "housing", ProblemKind.Invalid, "Buffer width needed")]
    public void rejects_bad_footprints_with_a_clear_problem(string wkt, string? category, ProblemKind kind, string title)
    {
        var problem = Problem(wkt, category);
        Assert.Equal(kind, problem.Kind);
        Assert.Equal(title, problem.Title);
    }

    [Fact]
    public void rejects_a_footprint_with_too_many_vertices()
    {
        var ring = Enumerable.Range(0, Footprint.MaxVertices + 10).Select(i =>
        {
            var a = 2 * Math.PI * i / (Footprint.MaxVertices + 10);
            return FormattableString.Invariant($"{116.2 + (0.01 * Math.Cos(a))} {39.2 + (0.01 * Math.Sin(a))}");
        }).ToList();
        ring.Add(ring[0]);
        var problem = Problem($"POLYGON (({string.Join(", ", ring)}))", "housing");
        Assert.Equal(ProblemKind.TooLarge, problem.Kind);
    }
}
