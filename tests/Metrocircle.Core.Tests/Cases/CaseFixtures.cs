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
    public static readonly Actor BeijingReviewer = new("bj-nr", Role.Reviewer, "beijing", "natural-resources");
    public static readonly Actor BeijingPlanner = new("bj-dr", Role.Reviewer, "beijing", "development-reform");
    public static readonly Actor HebeiReviewer = new("hb-nr", Role.Reviewer, "hebei", "natural-resources");
    public static readonly Actor TianjinReviewer = new("tj-nr", Role.Reviewer, "tianjin", "natural-resources");
    public static readonly Actor Office = new("office", Role.CoordinationOffice);
    public static readonly Actor Admin = new("admin", Role.Administrator);

    public static ApprovalRules Rules { get; } = ApprovalRules.Default with
    {
        CoordinationWhenOverlapping = ["control:ecological-redline"],
        DepartmentRoutes = [new DepartmentRoute("R2-farmland", "natural-resources")],
        Departments = new Dictionary<string, string> { ["natural-resources"] = "Natural resources" },
    };

    public static Verdict Verdict(string[] provinces, string[]? overlapKinds = null, string[]? firedRules = null, string category = "housing")
    {
        var share = 1.0 / provinces.Length;
        return new Verdict(overlapKinds is null && firedRules is null ? Alignment.Verdict.Aligned : Alignment.Verdict.Conditional,
            "plan@1", "2026.1", "sha256:" + string.Join("-", provinces), category, category, 10,
            [], [.. provinces.Select(p => new ShareOfPlace("provinces", p, p[..1].ToUpperInvariant() + p[1..], null, 10 * share, share))], [],
            [.. (overlapKinds ?? []).Select(k => new Overlap(k.Split(':')[^1], k, k, ["f1"], 1, 0.1))], [],
            [.. (firedRules ?? []).Select(r => new RuleResult(r, r, "basis", "needs-approval", r + " fired", null))], []);
    }

    public static CheckedSubmission Submission(Verdict verdict, string checkId = "chk-1") =>
        new(checkId, verdict, JsonNode.Parse("""{"type":"Polygon","coordinates":[[[116.9,39.6],[117.1,39.6],[117.1,39.8],[116.9,39.6]]]}""")!, null);

    public static CaseFile Open(Verdict verdict, string id = "case-1")
    {
        var change = CaseWorkflow.Open(id, "Logistics park", Proponent, Submission(verdict), Rules, T0);
        Assert.Null(change.Refusal);
        return change.File!;
    }
}
