using Metrocircle.Core.Access;
using Metrocircle.Core.Cases;
using static Metrocircle.Core.Tests.Cases.CaseFixtures;

namespace Metrocircle.Core.Tests.Cases;

/// <summary>
/// Seeded random walks through the workflow: whatever anyone tries in whatever order, every change the workflow
/// makes is a transition of the table and the case stays consistent.
/// </summary>
public sealed class CaseWalkTests
{
    private static readonly Actor[] People = [Proponent, BeijingReviewer, BeijingPlanner, HebeiReviewer, TianjinReviewer, Office, Admin];

    private static readonly string[][] Footprints = [[Jurisdictions.Beijing], [Jurisdictions.Beijing, Jurisdictions.Hebei], [Jurisdictions.Hebei], [Jurisdictions.Beijing, Jurisdictions.Tianjin, Jurisdictions.Hebei]];

    public static TheoryData<int> Seeds => [.. Enumerable.Range(1, 60)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void every_change_of_a_random_walk_is_a_transition_of_the_table_and_keeps_the_case_consistent(int seed) => Walk(seed, []);

    [Fact]
    public void the_walks_together_reach_every_transition_of_the_table()
    {
        var reached = new HashSet<(CaseStatus, CaseTrigger, CaseStatus)>();
        foreach (var seed in Enumerable.Range(1, 60))
        {
            Walk(seed, reached);
        }

        Assert.Empty(CaseStateMachine.Transitions.Except(reached));
    }

    private static void Walk(int seed, HashSet<(CaseStatus, CaseTrigger, CaseStatus)> reached)
    {
        var random = new Random(seed);
        var rules = random.Next(3) switch
        {
            0 => Rules,
            1 => Rules with { Required = new HashSet<ReviewKind> { ReviewKind.Jurisdiction } },
            _ => Rules with { AnyRejectionRejects = false },
        };
        var file = Open(Verdict(Footprints[random.Next(Footprints.Length)], firedRules: random.Next(2) == 0 ? ["R2-farmland"] : null), rules: rules);
        var now = T0;

        for (var step = 0; step < 40; step++)
        {
            now = now.AddDays(random.Next(0, 8)).AddMinutes(random.Next(60));
            var actor = People[random.Next(People.Length)];
            var kind = (DecisionKind)random.Next(3);
            var reason = random.Next(4) == 0 ? null : $"reason {step}";
            // Decisions dominate, as in life; overrides and withdrawals end a walk, so they are rare.
            var trigger = random.Next(100) switch
            {
                < 65 => CaseTrigger.Decide,
                < 80 => CaseTrigger.Revise,
                < 90 => CaseTrigger.Escalate,
                < 95 => CaseTrigger.Override,
                _ => CaseTrigger.Withdraw,
            };
            var change = trigger switch
            {
                CaseTrigger.Decide => CaseWorkflow.Decide(file, actor, PickTask(file, random), kind, reason, random.Next(3) == 0 ? random.Next(1, file.Revision + 2) : null, rules, now),
                CaseTrigger.Override => CaseWorkflow.Override(file, random.Next(2) == 0 ? Office : actor, kind, reason, rules, now),
                CaseTrigger.Revise => CaseWorkflow.Revise(file, actor, Submission(Verdict(Footprints[random.Next(Footprints.Length)]), $"chk-{step}"), random.Next(2) == 0 ? file.Revision : null, rules, now),
                CaseTrigger.Withdraw => CaseWorkflow.Withdraw(file, actor, reason, now),
                _ => CaseWorkflow.Escalate(file, now),
            };
            if (change is null)
            {
                continue;
            }

            if (change.Refusal is not null)
            {
                Assert.Null(change.File);
                Assert.Empty(change.Audit);
                Assert.False(string.IsNullOrWhiteSpace(change.Refusal.Message));
                if (file.IsClosed)
                {
                    Assert.NotEqual(CaseRefusalKind.Invalid, change.Refusal.Kind);
                }

                continue;
            }

            var next = change.File!;
            Assert.False(file.IsClosed, $"seed {seed} step {step}: {trigger} changed a {file.Status} case");
            Assert.Contains((file.Status, trigger, next.Status), CaseStateMachine.Transitions);
            reached.Add((file.Status, trigger, next.Status));
            Assert.NotEmpty(change.Audit);
            Assert.All(change.Audit, a => Assert.Equal(file.Id, a.Subject));
            Consistent(file, next, now);
            file = next;
        }
    }

    private static string PickTask(CaseFile file, Random random) =>
        random.Next(10) == 0 ? "case-1-r9-nowhere" : file.Tasks[random.Next(file.Tasks.Count)].Id;

    private static void Consistent(CaseFile before, CaseFile after, DateTimeOffset now)
    {
        Assert.Equal(now, after.UpdatedAt);
        Assert.Equal(before.Timeline, after.Timeline.Take(before.Timeline.Count));
        Assert.True(after.Timeline.Count > before.Timeline.Count);
        Assert.Equal(before.Decisions, after.Decisions.Take(before.Decisions.Count));
        Assert.Equal(before.Revisions, after.Revisions.Take(before.Revisions.Count));
        Assert.Equal(Enumerable.Range(1, after.Revision), after.Revisions.Select(r => r.Number));
        Assert.All(after.Tasks.Where(t => t.Revision < after.Revision), t => Assert.NotEqual(ReviewStatus.Open, t.Status));
        Assert.Equal(after.Tasks.Count, after.Tasks.Select(t => t.Id).Distinct().Count());
        Assert.All(after.Decisions, d => Assert.True(d.Revision <= after.Revision));
        Assert.All(after.Decisions.Where(d => !d.Override), d => Assert.Contains(after.Tasks, t => t.Id == d.TaskId && t.Revision == d.Revision));
        Assert.Equal(after.Decisions.Count(d => !d.Override), after.Decisions.Where(d => !d.Override).Select(d => d.TaskId).Distinct().Count());
        if (after.Status != CaseStatus.UnderReview)
        {
            Assert.Empty(after.OpenTasks);
        }

        if (after.IsClosed)
        {
            Assert.False(string.IsNullOrEmpty(after.Outcome));
        }

        Assert.Equal(CaseJson.Serialize(after), CaseJson.Serialize(CaseJson.Deserialize(CaseJson.Serialize(after))));
    }
}
