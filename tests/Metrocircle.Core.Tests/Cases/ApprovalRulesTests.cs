using System.Text.Json.Nodes;
using Metrocircle.Core.Cases;
using Metrocircle.Core.Model;
using Metrocircle.Testing;

namespace Metrocircle.Core.Tests.Cases;

public sealed class ApprovalRulesTests
{
    private const string Full = """
        {
          "required": ["jurisdiction", "department"],
          "anyRejectionRejects": false,
          "overrideBy": "coordination-office",
          "overrideNeedsReason": false,
          "deadlineDays": { "jurisdiction": 15, "department": 10, "coordination": 30 },
          "remindDaysBefore": 5,
          "coordinationWhen": { "crossesProvinces": false, "overlapsKinds": ["control:ecological-redline", "control:water"] },
          "departmentRoutes": [ { "rule": "R2-farmland", "department": "natural-resources" }, { "rule": "R4-flood", "department": "water" } ],
          "departments": { "natural-resources": "Natural resources", "water": "Water resources" }
        }
        """;

    private const string Minimal = """
        { "required": ["jurisdiction"], "deadlineDays": { "jurisdiction": 20, "department": 20, "coordination": 20 } }
        """;

    private static PlanFeature Record(string properties, string id = "capital", string layer = ApprovalRules.LayerId) =>
        new(layer, id, null, JsonNode.Parse(properties)!.AsObject(), new Provenance("test", Certainty.Confirmed));

    private static ApprovalRules Read(string properties) => ApprovalRules.Read([Record(properties)]);

    private static string Malformed(string properties) => Assert.Throws<FormatException>(() => Read(properties)).Message;

    /// <summary>The full record with one property replaced (or removed, when <paramref name="value"/> is null).</summary>
    private static string With(string property, string? value)
    {
        var o = JsonNode.Parse(Full)!.AsObject();
        o.Remove(property);
        if (value is not null)
        {
            o[property] = JsonNode.Parse(value);
        }

        return o.ToJsonString();
    }

    [Fact]
    public void a_full_record_is_read_field_by_field()
    {
        var rules = Read(Full);

        Assert.Equal("capital", rules.Id);
        Assert.Equal([ReviewKind.Jurisdiction, ReviewKind.Department], rules.Required.Order());
        Assert.False(rules.AnyRejectionRejects);
        Assert.True(rules.OverrideByCoordination);
        Assert.False(rules.OverrideNeedsReason);
        Assert.Equal((15, 10, 30), (rules.DeadlineDays[ReviewKind.Jurisdiction], rules.DeadlineDays[ReviewKind.Department], rules.DeadlineDays[ReviewKind.Coordination]));
        Assert.Equal(5, rules.RemindDaysBefore);
        Assert.False(rules.CoordinationWhenCrossingProvinces);
        Assert.Equal(["control:ecological-redline", "control:water"], rules.CoordinationWhenOverlapping);
        Assert.Equal([new DepartmentRoute("R2-farmland", "natural-resources"), new DepartmentRoute("R4-flood", "water")], rules.DepartmentRoutes);
        Assert.Equal("Water resources", rules.Departments["water"]);
        Assert.True(rules.OneTaskPerAccount);
    }

    [Fact]
    public void one_task_per_account_is_on_unless_the_record_turns_it_off()
    {
        Assert.True(Read(Minimal).OneTaskPerAccount);
        Assert.True(ApprovalRules.Default.OneTaskPerAccount);
        Assert.False(Read(With("oneTaskPerAccount", "false")).OneTaskPerAccount);
        Assert.Equal("approval-rules/capital: \"oneTaskPerAccount\" must be true or false", Malformed(With("oneTaskPerAccount", "\"yes\"")));
    }

    [Fact]
    public async Task the_shipped_capital_circle_rules_read_without_error()
    {
        var layer = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(TestPaths.Dataset(), "layers", "approval-rules.json"), TestContext.Current.CancellationToken))!;
        var records = layer["features"]!.AsArray().Select(f => new PlanFeature(ApprovalRules.LayerId, (string)f!["id"]!, null, f["properties"]!.AsObject().DeepClone().AsObject(),
            new Provenance("test", Certainty.Indicative)));

        var rules = ApprovalRules.Read(records);

        Assert.Equal("default", rules.Id);
        Assert.Equal(3, rules.Required.Count);
        Assert.True(rules.AnyRejectionRejects && rules.OverrideByCoordination && rules.OverrideNeedsReason);
        Assert.Equal(30, rules.DeadlineDays[ReviewKind.Coordination]);
        Assert.Equal(5, rules.RemindDaysBefore);
        Assert.True(rules.OneTaskPerAccount);
        Assert.All(rules.DepartmentRoutes, r => Assert.Contains(r.Department, rules.Departments.Keys));
    }

    [Fact]
    public void a_minimal_record_takes_the_defaults_for_what_it_leaves_out()
    {
        var rules = Read(Minimal);

        Assert.Equal([ReviewKind.Jurisdiction], rules.Required);
        Assert.True(rules.AnyRejectionRejects);
        Assert.False(rules.OverrideByCoordination);
        Assert.True(rules.OverrideNeedsReason);
        Assert.Equal(3, rules.RemindDaysBefore);
        Assert.True(rules.CoordinationWhenCrossingProvinces);
        Assert.Empty(rules.CoordinationWhenOverlapping);
        Assert.Empty(rules.DepartmentRoutes);
        Assert.Empty(rules.Departments);
    }

    [Fact]
    public void a_plan_without_approval_rules_gets_the_default_rules()
    {
        var rules = ApprovalRules.Read([Record(Full, layer: "tasks")]);

        Assert.Same(ApprovalRules.Default, rules);
        Assert.Equal(3, rules.Required.Count);
        Assert.True(rules.AnyRejectionRejects && rules.OverrideByCoordination && rules.OverrideNeedsReason);
        Assert.All(Enum.GetValues<ReviewKind>(), k => Assert.Equal(20, rules.DeadlineDays[k]));
    }

    [Fact]
    public void the_first_approval_rules_record_wins()
    {
        var rules = ApprovalRules.Read([Record(Minimal, "first"), Record(Full, "second")]);

        Assert.Equal("first", rules.Id);
    }

    [Fact]
    public void a_record_read_from_the_plan_routes_cases_as_it_says()
    {
        var rules = Read(Full);
        var tasks = CaseWorkflow.Route("case-1", 1, CaseFixtures.Verdict([Jurisdictions.Beijing, Jurisdictions.Hebei], firedRules: ["R4-flood"]), rules, CaseFixtures.T0);

        Assert.Equal(["case-1-r1-110000", "case-1-r1-110000-water", "case-1-r1-130000", "case-1-r1-130000-water"], tasks.Select(t => t.Id));
        Assert.Equal("Water resources, Hebei", tasks[3].Title);
        Assert.Equal(CaseFixtures.T0.AddDays(10), tasks[1].DueAt);
    }

    [Theory]
    [InlineData("required", null, "approval-rules/capital: \"required\" is missing")]
    [InlineData("required", "\"jurisdiction\"", "approval-rules/capital: \"required\" is missing")]
    [InlineData("required", "[\"mayor\"]", "approval-rules/capital: \"required\": \"mayor\" is not jurisdiction, department or coordination")]
    [InlineData("deadlineDays", null, "approval-rules/capital: \"deadlineDays\" is missing")]
    [InlineData("deadlineDays", "{ \"jurisdiction\": 20, \"department\": 20 }", "approval-rules/capital: \"deadlineDays\" has no deadline for coordination tasks")]
    [InlineData("deadlineDays", "{ \"jurisdiction\": 20, \"department\": 20, \"coordination\": 20, \"mayor\": 5 }", "approval-rules/capital: \"deadlineDays\": \"mayor\" is not jurisdiction, department or coordination")]
    [InlineData("deadlineDays", "{ \"jurisdiction\": 0, \"department\": 20, \"coordination\": 20 }", "approval-rules/capital: \"deadlineDays.jurisdiction\" must be a whole number of days from 1 to 365")]
    [InlineData("deadlineDays", "{ \"jurisdiction\": 20, \"department\": 366, \"coordination\": 20 }", "approval-rules/capital: \"deadlineDays.department\" must be a whole number of days from 1 to 365")]
    [InlineData("deadlineDays", "{ \"jurisdiction\": 20, \"department\": 20, \"coordination\": 2.5 }", "approval-rules/capital: \"deadlineDays.coordination\" must be a whole number of days from 1 to 365")]
    [InlineData("deadlineDays", "{ \"jurisdiction\": \"20\", \"department\": 20, \"coordination\": 20 }", "approval-rules/capital: \"deadlineDays.jurisdiction\" must be a whole number of days from 1 to 365")]
    [InlineData("deadlineDays", "{ \"jurisdiction\": -3, \"department\": 20, \"coordination\": 20 }", "approval-rules/capital: \"deadlineDays.jurisdiction\" must be a whole number of days from 1 to 365")]
    [InlineData("remindDaysBefore", "0", "approval-rules/capital: \"remindDaysBefore\" must be a whole number of days from 1 to 365")]
    [InlineData("remindDaysBefore", "\"soon\"", "approval-rules/capital: \"remindDaysBefore\" must be a whole number of days from 1 to 365")]
    [InlineData("departmentRoutes", "[ { \"department\": \"water\" } ]", "approval-rules/capital: \"departmentRoutes\": a route has no rule or overlapsKind")]
    [InlineData("departmentRoutes", "[ { \"rule\": \"R4-flood\", \"department\": \"water\", \"level\": \"village\" } ]", "approval-rules/capital: \"departmentRoutes\": level \"village\" of the route for R4-flood is not one of national, province, city, county")]
    [InlineData("departmentRoutes", "[ { \"rule\": \"R4-flood\", \"department\": \"water\", \"cityMayDecideForCounties\": true } ]", "approval-rules/capital: \"departmentRoutes\": cityMayDecideForCounties applies to a route of level county, not province (route for R4-flood)")]
    [InlineData("departmentRoutes", "[ { \"rule\": \"R4-flood\", \"overlapsKind\": \"control:x\", \"department\": \"water\" } ]", "approval-rules/capital: \"departmentRoutes\": a route names a rule or an overlapsKind, not both (rule R4-flood, overlapsKind control:x)")]
    [InlineData("departmentRoutes", "[ { \"rule\": \"R4-flood\" } ]", "approval-rules/capital: \"departmentRoutes\": a route has no department")]
    [InlineData("departmentRoutes", "[ { \"rule\": \"R4-flood\", \"department\": \"housing\" } ]", "approval-rules/capital: \"departmentRoutes\": rule R4-flood routes to department \"housing\", which \"departments\" does not list")]
    public void a_malformed_record_fails_with_a_message_naming_the_field(string property, string? value, string expected)
    {
        Assert.Equal(expected, Malformed(With(property, value)));
    }

    [Theory]
    [InlineData("required", "[1]", "\"required\"")]
    [InlineData("required", "[[\"jurisdiction\"]]", "\"required\"")]
    [InlineData("anyRejectionRejects", "\"yes\"", "\"anyRejectionRejects\"")]
    [InlineData("overrideNeedsReason", "1", "\"overrideNeedsReason\"")]
    [InlineData("overrideBy", "true", "\"overrideBy\"")]
    [InlineData("coordinationWhen", "\"always\"", "\"coordinationWhen\"")]
    [InlineData("coordinationWhen", "{ \"crossesProvinces\": \"yes\" }", "\"coordinationWhen.crossesProvinces\"")]
    [InlineData("coordinationWhen", "{ \"overlapsKinds\": \"control:water\" }", "\"coordinationWhen.overlapsKinds\"")]
    [InlineData("coordinationWhen", "{ \"overlapsKinds\": [null] }", "\"coordinationWhen.overlapsKinds\"")]
    [InlineData("coordinationWhen", "{ \"overlapsKinds\": [7] }", "\"coordinationWhen.overlapsKinds\"")]
    [InlineData("departmentRoutes", "{ \"rule\": \"R4-flood\" }", "\"departmentRoutes\"")]
    [InlineData("departmentRoutes", "[\"R4-flood\"]", "\"departmentRoutes\"")]
    [InlineData("departmentRoutes", "[null]", "\"departmentRoutes\"")]
    [InlineData("departmentRoutes", "[ { \"rule\": 4, \"department\": \"water\" } ]", "\"departmentRoutes\"")]
    [InlineData("departmentRoutes", "[ { \"rule\": \"R4-flood\", \"department\": [\"water\"] } ]", "\"departmentRoutes\"")]
    [InlineData("departments", "[\"water\"]", "\"departments\"")]
    [InlineData("departments", "{ \"water\": 5, \"natural-resources\": \"Natural resources\" }", "\"departments.water\"")]
    public void a_value_of_the_wrong_type_fails_with_a_message_naming_the_field(string property, string value, string field)
    {
        var message = Malformed(With(property, value));

        Assert.StartsWith("approval-rules/capital: " + field, message, StringComparison.Ordinal);
    }

    [Fact]
    public void a_route_to_a_department_fails_when_the_record_lists_no_departments()
    {
        var message = Malformed(With("departments", null));

        Assert.Contains("routes to department \"natural-resources\", which \"departments\" does not list", message, StringComparison.Ordinal);
    }
}
