using Metrocircle.Core.Cases;
using static Metrocircle.Core.Tests.Cases.CaseFixtures;

namespace Metrocircle.Core.Tests.Cases;

public sealed class CaseInputTests
{
    [Theory]
    [InlineData(DecisionKind.Reject, null, "reason: to reject give the proponent a reason")]
    [InlineData(DecisionKind.Reject, "", "reason: to reject give the proponent a reason")]
    [InlineData(DecisionKind.RequestChanges, null, "reason: to request changes give the proponent a reason")]
    [InlineData(DecisionKind.RequestChanges, "  \n ", "reason: to request changes give the proponent a reason")]
    public void rejecting_or_requesting_changes_without_a_reason_is_invalid(DecisionKind kind, string? reason, string expected)
    {
        Assert.Equal(expected, Refused(Decide(BeijingOnly(), BeijingReviewer, Task(Jurisdictions.Beijing), kind, reason), CaseRefusalKind.Invalid));
    }

    [Theory]
    [InlineData(DecisionKind.Approve)]
    [InlineData(DecisionKind.Reject)]
    [InlineData(DecisionKind.RequestChanges)]
    public void a_reason_over_4000_characters_is_invalid(DecisionKind kind)
    {
        var change = Decide(BeijingOnly(), BeijingReviewer, Task(Jurisdictions.Beijing), kind, new string('r', 4001));

        Assert.Equal("reason: at most 4,000 characters", Refused(change, CaseRefusalKind.Invalid));
    }

    [Fact]
    public void a_reason_of_exactly_4000_characters_is_taken()
    {
        var file = Ok(Decide(BeijingOnly(), BeijingReviewer, Task(Jurisdictions.Beijing), DecisionKind.Reject, new string('r', 4000)));

        Assert.Equal(4000, file.Decisions[^1].Reason.Length);
    }

    [Fact]
    public void a_reason_padded_past_4000_characters_is_measured_after_trimming()
    {
        Assert.Null(Decide(BeijingOnly(), BeijingReviewer, Task(Jurisdictions.Beijing), DecisionKind.Reject, "  " + new string('r', 4000) + "  ").Refusal);
    }

    [Fact]
    public void an_override_reason_over_4000_characters_is_invalid_like_a_decision_reason()
    {
        var change = CaseWorkflow.Override(BeijingOnly(), Office, DecisionKind.Reject, new string('r', 4001), Rules, T0.AddDays(1));

        Assert.Equal("reason: at most 4,000 characters", Refused(change, CaseRefusalKind.Invalid));
        Assert.Null(CaseWorkflow.Override(BeijingOnly(), Office, DecisionKind.Reject, new string('r', 4000), Rules, T0.AddDays(1)).Refusal);
    }

    [Fact]
    public void a_withdrawal_reason_over_4000_characters_is_invalid()
    {
        var change = CaseWorkflow.Withdraw(BeijingOnly(), Proponent, new string('r', 4001), T0.AddDays(1));

        Assert.Equal("reason: at most 4,000 characters", Refused(change, CaseRefusalKind.Invalid));
        Assert.Null(CaseWorkflow.Withdraw(BeijingOnly(), Proponent, new string('r', 4000), T0.AddDays(1)).Refusal);
    }

    [Fact]
    public void a_withdrawal_needs_no_reason()
    {
        var file = Ok(CaseWorkflow.Withdraw(BeijingOnly(), Proponent, null, T0.AddDays(1)));

        Assert.Equal("", file.Timeline[^1].Detail);
    }

    [Fact]
    public void an_unknown_task_id_is_not_found()
    {
        var change = Decide(BeijingOnly(), BeijingReviewer, "case-1-r1-shanghai", DecisionKind.Approve);

        Assert.Equal("case case-1 has no task \"case-1-r1-shanghai\"", Refused(change, CaseRefusalKind.NotFound));
    }

    [Fact]
    public void the_override_pseudo_task_cannot_be_decided()
    {
        var file = Ok(CaseWorkflow.Override(SentBack(), Office, DecisionKind.Approve, "fine", Rules, T0.AddDays(2)));

        Refused(Decide(file, Office, CaseWorkflow.OverrideTask, DecisionKind.Approve), CaseRefusalKind.NotFound);
    }

    [Fact]
    public void a_revision_with_a_different_category_is_invalid()
    {
        var change = CaseWorkflow.Revise(SentBack(), Proponent, Submission(Verdict([Jurisdictions.Beijing], category: "industry")), null, Rules, T0.AddDays(2));

        Assert.Equal("category: a revision keeps the case's category (housing); open a new case for a industry project", Refused(change, CaseRefusalKind.Invalid));
    }

    [Fact]
    public void a_revision_in_no_province_is_invalid()
    {
        var change = CaseWorkflow.Revise(SentBack(), Proponent, Submission(Verdict([])), null, Rules, T0.AddDays(2));

        Assert.Equal("the new footprint lies in no jurisdiction of the plan, so nobody could review it", Refused(change, CaseRefusalKind.Invalid));
    }

    [Fact]
    public void a_revision_in_no_province_is_invalid_even_when_it_overlaps_a_listed_kind()
    {
        var change = CaseWorkflow.Revise(SentBack(), Proponent, Submission(Verdict([], overlapKinds: ["control:ecological-redline"])), null, Rules, T0.AddDays(2));

        Assert.Equal("the new footprint lies in no jurisdiction of the plan, so nobody could review it", Refused(change, CaseRefusalKind.Invalid));
    }

    [Theory]
    [InlineData("approve", DecisionKind.Approve)]
    [InlineData("reject", DecisionKind.Reject)]
    [InlineData("request-changes", DecisionKind.RequestChanges)]
    public void decision_names_parse_from_their_wire_form(string text, DecisionKind expected)
    {
        Assert.True(CaseWorkflow.TryParse(text, out var kind));
        Assert.Equal(expected, kind);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Approve")]
    [InlineData("request_changes")]
    public void unknown_decision_names_do_not_parse(string? text)
    {
        Assert.False(CaseWorkflow.TryParse(text, out _));
    }
}
