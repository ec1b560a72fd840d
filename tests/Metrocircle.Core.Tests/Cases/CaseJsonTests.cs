using System.Text.Json;
using System.Text.Json.Nodes;
using Metrocircle.Core.Cases;
using static Metrocircle.Core.Tests.Cases.CaseFixtures;

namespace Metrocircle.Core.Tests.Cases;

public sealed class CaseJsonTests
{
    /// <summary>A case that has been through most of the workflow: decided, sent back, revised, escalated, overridden.</summary>
    private static CaseFile Eventful()
    {
        var file = Open(Verdict([Jurisdictions.Beijing, Jurisdictions.Hebei], overlapKinds: ["control:ecological-redline"], firedRules: ["R2-farmland"]));
        file = Ok(Decide(file, BeijingReviewer, Task(Jurisdictions.Beijing), DecisionKind.Approve, "fine"));
        file = Ok(Decide(file, HebeiReviewer, Task(Jurisdictions.Hebei), DecisionKind.RequestChanges, "keep 50 m from the river"));
        file = Ok(CaseWorkflow.Revise(file, Proponent, Submission(Verdict([Jurisdictions.Beijing, Jurisdictions.Hebei], firedRules: ["R2-farmland"]), "chk-2") with { Note = "moved" }, 1, Rules, T0.AddDays(3)));
        file = Ok(CaseWorkflow.Escalate(file, T0.AddDays(24))!);
        return Ok(CaseWorkflow.Override(file, Office, DecisionKind.Approve, "regional priority", Rules, T0.AddDays(25)));
    }

    [Fact]
    public void a_case_survives_the_json_round_trip_unchanged()
    {
        var file = Eventful();
        var json = CaseJson.Serialize(file);

        var back = CaseJson.Deserialize(json);

        Assert.Equal(json, CaseJson.Serialize(back));
        Assert.Equal((file.Id, file.Status, file.Revision, file.OpenedAt, file.UpdatedAt, file.Outcome), (back.Id, back.Status, back.Revision, back.OpenedAt, back.UpdatedAt, back.Outcome));
        Assert.Equal(file.Tasks, back.Tasks, (a, b) => a with { Reasons = b.Reasons } == b && a.Reasons.SequenceEqual(b.Reasons));
        Assert.Equal(file.Decisions, back.Decisions);
        Assert.Equal(file.Timeline, back.Timeline);
        Assert.True(JsonNode.DeepEquals(file.Current.Footprint, back.Current.Footprint));
        Assert.Equal(file.Revisions.Select(r => r.Provinces.Count), back.Revisions.Select(r => r.Provinces.Count));
    }

    [Fact]
    public void enums_are_written_as_their_kebab_case_names()
    {
        var json = JsonNode.Parse(CaseJson.Serialize(Ok(Decide(Open(Verdict([Jurisdictions.Beijing, Jurisdictions.Hebei], firedRules: ["R2-farmland"])), HebeiReviewer, Task(Jurisdictions.Hebei), DecisionKind.RequestChanges, "move it"))))!;

        Assert.Equal("changes-requested", (string)json["status"]!);
        Assert.Equal("request-changes", (string)json["decisions"]![0]!["kind"]!);
        var tasks = json["tasks"]!.AsArray();
        Assert.Equal(["jurisdiction", "department", "jurisdiction", "department", "coordination"], tasks.Select(t => (string)t!["kind"]!));
        Assert.Equal(["closed", "closed", "changes-requested", "closed", "closed"], tasks.Select(t => (string)t!["status"]!));
    }

    [Theory]
    [InlineData(CaseStatus.UnderReview, "under-review")]
    [InlineData(CaseStatus.ChangesRequested, "changes-requested")]
    [InlineData(CaseStatus.Approved, "approved")]
    [InlineData(CaseStatus.Rejected, "rejected")]
    [InlineData(CaseStatus.Withdrawn, "withdrawn")]
    public void each_case_status_has_one_wire_name_in_json_and_in_audit_records(CaseStatus status, string wire)
    {
        Assert.Equal($"\"{wire}\"", JsonSerializer.Serialize(status, CaseJson.Options));
        Assert.Equal(wire, CaseWorkflow.Wire(status));
        Assert.Equal(status, JsonSerializer.Deserialize<CaseStatus>($"\"{wire}\"", CaseJson.Options));
    }

    [Fact]
    public void properties_are_camel_case_like_the_rest_of_the_api()
    {
        var json = JsonNode.Parse(CaseJson.Serialize(BeijingOnly()))!.AsObject();

        Assert.True(json.ContainsKey("openedAt"));
        Assert.True(json.ContainsKey("rulesId"));
        Assert.True(json["tasks"]![0]!.AsObject().ContainsKey("dueAt"));
        Assert.Equal("acme", (string)json["revisions"]![0]!["submittedBy"]!);
    }

    [Fact]
    public void an_unknown_status_in_stored_json_fails_to_read()
    {
        var json = CaseJson.Serialize(BeijingOnly()).Replace("\"under-review\"", "\"pending\"", StringComparison.Ordinal);

        Assert.Throws<JsonException>(() => CaseJson.Deserialize(json));
    }

    [Fact]
    public void an_empty_stored_case_fails_to_read()
    {
        Assert.Equal("a stored case is empty", Assert.Throws<JsonException>(() => CaseJson.Deserialize("null")).Message);
    }

    [Fact]
    public void the_same_command_on_the_same_case_gives_equal_json()
    {
        string Run()
        {
            var file = Open(Verdict([Jurisdictions.Beijing, Jurisdictions.Hebei], firedRules: ["R2-farmland"]));
            file = Ok(Decide(file, BeijingReviewer, Task(Jurisdictions.Beijing), DecisionKind.Approve));
            file = Ok(Decide(file, HebeiReviewer, Task(Jurisdictions.Hebei), DecisionKind.RequestChanges, "move it"));
            file = Ok(CaseWorkflow.Revise(file, Proponent, Submission(Verdict([Jurisdictions.Beijing, Jurisdictions.Hebei]), "chk-2"), 1, Rules, T0.AddDays(3)));
            return CaseJson.Serialize(Ok(CaseWorkflow.Escalate(file, T0.AddDays(30))!));
        }

        Assert.Equal(Run(), Run());
    }

    [Fact]
    public void each_command_gives_equal_json_and_equal_audit_when_repeated_on_the_same_case()
    {
        var file = BeijingHebei();
        var sentBack = SentBack(BeijingHebei());
        var commands = new Func<CaseChange>[]
        {
            () => Decide(file, BeijingReviewer, Task(Jurisdictions.Beijing), DecisionKind.Approve, "ok"),
            () => CaseWorkflow.Override(file, Office, DecisionKind.Reject, "no", Rules, T0.AddDays(2)),
            () => CaseWorkflow.Withdraw(file, Proponent, "sold", T0.AddDays(2)),
            () => CaseWorkflow.Escalate(file, T0.AddDays(21))!,
            () => CaseWorkflow.Revise(sentBack, Proponent, Submission(Verdict([Jurisdictions.Beijing]), "chk-2"), 1, Rules, T0.AddDays(2)),
        };

        Assert.All(commands, command =>
        {
            var (a, b) = (command(), command());
            Assert.Equal(CaseJson.Serialize(Ok(a)), CaseJson.Serialize(Ok(b)));
            Assert.Equal(a.Audit, b.Audit);
        });
    }
}
