using System.Text.Json.Nodes;
using Metrocircle.Core.Access;
using Metrocircle.Core.Alignment;
using Metrocircle.Core.Cases;

namespace Metrocircle.Core.Tests.Cases;

/// <summary>Verdicts and people for workflow tests: only the fields routing reads are filled.</summary>
internal static class CaseFixtures
{
    public static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    public static readonly Actor Proponent = new("acme", Role.Proponent);
    public static readonly Actor BeijingReviewer = new("bj-nr", Role.Reviewer, Jurisdictions.Beijing, "natural-resources");
    public static readonly Actor BeijingPlanner = new("bj-dr", Role.Reviewer, Jurisdictions.Beijing, "development-reform");
    public static readonly Actor HebeiReviewer = new("hb-nr", Role.Reviewer, Jurisdictions.Hebei, "natural-resources");
    public static readonly Actor TianjinReviewer = new("tj-nr", Role.Reviewer, Jurisdictions.Tianjin, "natural-resources");
    public static readonly Actor Office = new("office", Role.CoordinationOffice);
    public static readonly Actor Admin = new("admin", Role.Administrator);

    public static ApprovalRules Rules { get; } = ApprovalRules.Default with
    {
        CoordinationWhenOverlapping = ["control:ecological-redline"],
        DepartmentRoutes = [new DepartmentRoute("R2-farmland", "natural-resources")],
        Departments = new Dictionary<string, string> { ["natural-resources"] = "Natural resources" },
    };

    private static readonly Dictionary<string, string> Names = new(StringComparer.Ordinal)
    {
        [Jurisdictions.Beijing] = "Beijing",
        [Jurisdictions.Tianjin] = "Tianjin",
        [Jurisdictions.Hebei] = "Hebei",
    };

    public static Verdict Verdict(string[] provinces, string[]? overlapKinds = null, string[]? firedRules = null, string category = "housing")
    {
        var share = 1.0 / provinces.Length;
        return new Verdict(overlapKinds is null && firedRules is null ? global::Metrocircle.Core.Alignment.Verdict.Aligned : global::Metrocircle.Core.Alignment.Verdict.Conditional,
            "plan@1", "2026.1", "sha256:" + string.Join("-", provinces), category, category, 10,
            [], [.. provinces.Select(p => new ShareOfPlace("provinces", p, Names.GetValueOrDefault(p, p), null, 10 * share, share))], [],
            [.. (overlapKinds ?? []).Select(k => new Overlap(k.Split(':')[^1], k, k, ["f1"], 1, 0.1))], [],
            [.. (firedRules ?? []).Select(r => new RuleResult(r, r, "basis", "needs-approval", r + " fired", null))], []);
    }

    public static CheckedSubmission Submission(Verdict verdict, string checkId = "chk-1") =>
        new(checkId, verdict, JsonNode.Parse("""{"type":"Polygon","coordinates":[[[116.9,39.6],[117.1,39.6],[117.1,39.8],[116.9,39.6]]]}""")!, null);

    public static CaseFile Open(Verdict verdict, string id = "case-1", ApprovalRules? rules = null)
    {
        var change = CaseWorkflow.Open(id, "Logistics park", Proponent, Submission(verdict), rules ?? Rules, T0);
        Assert.Null(change.Refusal);
        return change.File!;
    }

    /// <summary>A case across Beijing and Hebei: a task for each province and one for the coordination office.</summary>
    public static CaseFile BeijingHebei() => Open(Verdict([Jurisdictions.Beijing, Jurisdictions.Hebei]));

    /// <summary>A case in Beijing alone: its only task is Beijing's.</summary>
    public static CaseFile BeijingOnly() => Open(Verdict([Jurisdictions.Beijing]));

    public static string Task(string province, int revision = 1, string caseId = "case-1") => $"{caseId}-r{revision}-{province}";

    public static string Coordination(int revision = 1, string caseId = "case-1") => $"{caseId}-r{revision}-coordination";

    public static CaseChange Decide(CaseFile file, Actor actor, string taskId, DecisionKind kind, string? reason = null, int? expectedRevision = null,
        ApprovalRules? rules = null, DateTimeOffset? at = null) =>
        CaseWorkflow.Decide(file, actor, taskId, kind, reason, expectedRevision, rules ?? Rules, at ?? T0.AddDays(1));

    /// <summary>The new case of a command that must succeed; a refusal fails the test with its message.</summary>
    public static CaseFile Ok(CaseChange change)
    {
        Assert.Null(change.Refusal?.Message);
        Assert.NotNull(change.File);
        Assert.NotEmpty(change.Audit);
        return change.File;
    }

    /// <summary>The message of a refusal of the given kind; a refusal changes nothing and audits nothing.</summary>
    public static string Refused(CaseChange change, CaseRefusalKind kind)
    {
        Assert.NotNull(change.Refusal);
        Assert.Equal(kind, change.Refusal.Kind);
        Assert.Null(change.File);
        Assert.Empty(change.Audit);
        return change.Refusal.Message;
    }

    /// <summary>Beijing's only task sent back for changes: the case waits for a revision.</summary>
    public static CaseFile SentBack(CaseFile? file = null) =>
        Ok(Decide(file ?? BeijingOnly(), BeijingReviewer, Task(Jurisdictions.Beijing), DecisionKind.RequestChanges, "move the access road north"));

    public static CaseFile Approved() => Ok(Decide(BeijingOnly(), BeijingReviewer, Task(Jurisdictions.Beijing), DecisionKind.Approve));

    public static CaseFile Rejected() => Ok(Decide(BeijingOnly(), BeijingReviewer, Task(Jurisdictions.Beijing), DecisionKind.Reject, "inside the green belt"));

    public static CaseFile Withdrawn() => Ok(CaseWorkflow.Withdraw(BeijingOnly(), Proponent, "site sold", T0.AddDays(1)));
}
