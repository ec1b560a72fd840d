namespace Metrocircle.Core.Cases;

/// <summary>What can happen to a case.</summary>
public enum CaseTrigger
{
    Decide,
    Override,
    Revise,
    Withdraw,
    Escalate,
}

/// <summary>
/// The lifecycle as one table: which trigger is allowed in which status and where it may lead. Every change a
/// <see cref="CaseWorkflow"/> makes is checked against it, so an illegal transition is refused with a reason
/// instead of happening.
/// </summary>
public static class CaseStateMachine
{
    private static readonly (CaseStatus From, CaseTrigger Trigger, CaseStatus[] To)[] Table =
    [
        (CaseStatus.UnderReview, CaseTrigger.Decide, [CaseStatus.UnderReview, CaseStatus.ChangesRequested, CaseStatus.Approved, CaseStatus.Rejected]),
        (CaseStatus.UnderReview, CaseTrigger.Override, [CaseStatus.Approved, CaseStatus.Rejected]),
        (CaseStatus.UnderReview, CaseTrigger.Withdraw, [CaseStatus.Withdrawn]),
        (CaseStatus.UnderReview, CaseTrigger.Escalate, [CaseStatus.UnderReview]),
        (CaseStatus.ChangesRequested, CaseTrigger.Revise, [CaseStatus.UnderReview]),
        (CaseStatus.ChangesRequested, CaseTrigger.Override, [CaseStatus.Approved, CaseStatus.Rejected]),
        (CaseStatus.ChangesRequested, CaseTrigger.Withdraw, [CaseStatus.Withdrawn]),
    ];

    public static IReadOnlyList<(CaseStatus From, CaseTrigger Trigger, CaseStatus To)> Transitions { get; } =
        [.. Table.SelectMany(t => t.To.Select(to => (t.From, t.Trigger, to)))];

    public static bool Allows(CaseStatus from, CaseTrigger trigger) => Table.Any(t => t.From == from && t.Trigger == trigger);

    public static bool Allows(CaseStatus from, CaseTrigger trigger, CaseStatus to) =>
        Table.Any(t => t.From == from && t.Trigger == trigger && t.To.Contains(to));

    /// <summary>Why <paramref name="trigger"/> is refused in <paramref name="from"/>, in words a person can act on.</summary>
    public static string Refusal(CaseStatus from, CaseTrigger trigger)
    {
        var state = Name(from);
        var allowedIn = Table.Where(t => t.Trigger == trigger).Select(t => Name(t.From)).Distinct().ToList();
        var what = trigger switch
        {
            CaseTrigger.Decide => "take decisions",
            CaseTrigger.Override => "be overridden",
            CaseTrigger.Revise => "take a new revision",
            CaseTrigger.Withdraw => "be withdrawn",
            CaseTrigger.Escalate => "be escalated",
            _ => trigger.ToString(),
        };
        var closed = from is CaseStatus.Approved or CaseStatus.Rejected or CaseStatus.Withdrawn ? " and closed" : "";
        return $"the case is {state}{closed}; a case can {what} only when it is {string.Join(" or ", allowedIn)}";
    }

    public static string Name(CaseStatus status) => status switch
    {
        CaseStatus.UnderReview => "under review",
        CaseStatus.ChangesRequested => "waiting for changes",
        CaseStatus.Approved => "approved",
        CaseStatus.Rejected => "rejected",
        CaseStatus.Withdrawn => "withdrawn",
        _ => status.ToString(),
    };
}
