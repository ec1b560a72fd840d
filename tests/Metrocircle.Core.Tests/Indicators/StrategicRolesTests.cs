using System.Text.Json.Nodes;
using Metrocircle.Core.Dataset;
using Metrocircle.Core.Indicators;
using Metrocircle.Core.Model;
using NetTopologySuite.Geometries;

namespace Metrocircle.Core.Tests.Indicators;

/// <summary>Indicators and tasks name the strategic role they serve; the build refuses a missing or unknown role.</summary>
public sealed class StrategicRolesTests
{
    private static PlanFeature Record(string layer, string id, JsonObject props) =>
        new(layer, id, (Geometry?)null, props, new Provenance("test", Certainty.Synthetic, "test"));

    private static readonly PlanFeature[] Roles =
    [
        Record(StrategicRoles.LayerId, "green", new JsonObject { ["nameEn"] = "Green zone", ["nameZh"] = "绿色区", ["shortEn"] = "Green" }),
        Record(StrategicRoles.LayerId, "engine", new JsonObject { ["nameEn"] = "Engine", ["nameZh"] = "引擎" }),
    ];

    [Fact]
    public void roles_and_the_roles_of_tasks_are_read_from_their_layers()
    {
        var roles = StrategicRoles.Read([.. Roles, Record("tasks", "t1", new JsonObject { ["role"] = "engine" }), Record("tasks", "t2", [])]);

        Assert.Equal(["green", "engine"], roles.Roles.Select(r => r.Id));
        Assert.Equal("Engine", roles.Roles[1].ShortEn);
        Assert.Equal(new Dictionary<string, string> { ["t1"] = "engine" }, roles.TaskRoles);
    }

    [Fact]
    public void the_build_check_names_an_indicator_without_role_and_a_task_with_an_unknown_one()
    {
        var problems = StrategicRoles.CheckBuild(
        [
            .. Roles,
            Record("indicators", "i-ok", new JsonObject { ["role"] = "green" }),
            Record("indicators", "i-none", []),
            Record("tasks", "t-bad", new JsonObject { ["role"] = "blue" }),
        ]);

        Assert.Equal(2, problems.Count);
        Assert.StartsWith("indicator i-none names no role", problems[0], StringComparison.Ordinal);
        Assert.Equal("task t-bad names role \"blue\", which the positioning layer does not define (it defines engine, green)", problems[1]);
    }

    [Fact]
    public void a_dataset_without_roles_is_not_held_to_them()
        => Assert.Empty(StrategicRoles.CheckBuild([Record("indicators", "i", [])]));

    [Fact]
    public void the_indicator_catalogue_reads_the_role()
    {
        var f = Record("indicators", "pop", new JsonObject
        {
            ["nameZh"] = "人口", ["nameEn"] = "Population", ["unit"] = "persons", ["direction"] = "cap", ["scopeLevel"] = "province", ["role"] = "green",
        });
        var (indicator, _) = Assert.Single(IndicatorCatalog.Read([f]));
        Assert.Equal("green", indicator.Role);
    }

    [Theory]
    [InlineData("confirmed", null, 0)]
    [InlineData("indicative", "the project's reading", 0)]
    [InlineData("indicative", null, 1)]
    [InlineData("sure", "x", 1)]
    public void membership_certainty_is_one_of_the_three_and_needs_a_basis_unless_confirmed(string certainty, string? basis, int problems)
    {
        var props = new JsonObject { [Membership.CertaintyProperty] = certainty };
        if (basis is not null)
        {
            props[Membership.BasisProperty] = basis;
        }

        Assert.Equal(problems, Membership.CheckBuild([Record("circles", "c", props)]).Count);
    }
    [Fact]
    public void a_roles_progress_counts_each_indicator_once_by_its_worst_milestone_and_gathers_the_role_less_apart()
    {
        var roles = StrategicRoles.Read([.. Roles]);
        Indicator I(string id, string? role) => new(id, id, id, "u", Direction.Cap, "province", [], Role: role);
        Evaluation E(string id, TrajectoryStatus s, int year) => new(id, "x", year, 1, s, null, null, null, 2024, null, "r");

        var progress = RoleProgress.Summarise(roles,
            [I("a", "green"), I("b", "green"), I("c", "green"), I("d", "engine"), I("e", null)],
            [E("a", TrajectoryStatus.OnTrack, 2030), E("a", TrajectoryStatus.OffTrack, 2035), E("b", TrajectoryStatus.Insufficient, 2030), E("b", TrajectoryStatus.AtRisk, 2035), E("d", TrajectoryStatus.OnTrack, 2035)],
            []);

        Assert.Equal(["green", "engine", "unassigned"], progress.Select(p => p.Role.Id));
        var green = progress[0];
        Assert.Equal((0, 1, 1, 0, 1), (green.OnTrack, green.AtRisk, green.OffTrack, green.Insufficient, green.WithoutTarget));
        Assert.Equal("3 indicators (1 at risk, 1 off track, 1 without target); 0 tasks (0 done, 0 overdue, 0 on track)", green.Summary);
        Assert.Equal(["e"], progress[2].Indicators);
    }
}
