using Metrocircle.Core.Access;
using Metrocircle.Core.Collaboration;
using Metrocircle.Core.Model;

namespace Metrocircle.Core.Tests.Collaboration;

public sealed class PlanTasksTests
{
    private static readonly CollaborationTask Linkage = new("linkage", "联动", "Linkage", TaskDimension.Industry, Jurisdictions.Beijing, [Jurisdictions.Tianjin, Jurisdictions.Langfang], [], [], [], [],
        new Provenance("test", Certainty.Confirmed));

    private static readonly PlanTasks Tasks = new(new PlanVersion("v", "p", 1, "l", new DateOnly(2026, 1, 1), DateTimeOffset.UnixEpoch), [Linkage],
        new Dictionary<string, string> { [Jurisdictions.Langfang] = Jurisdictions.Hebei, [Jurisdictions.Baoding] = Jurisdictions.Hebei }, new HashSet<string> { Jurisdictions.Beijing, Jurisdictions.Tianjin, Jurisdictions.Hebei, Jurisdictions.Langfang, Jurisdictions.Baoding });

    [Theory]
    [InlineData(Role.Reviewer, Jurisdictions.Beijing, true)]
    [InlineData(Role.Reviewer, Jurisdictions.Tianjin, true)]
    [InlineData(Role.Reviewer, Jurisdictions.Langfang, true)]
    [InlineData(Role.Reviewer, Jurisdictions.Hebei, true)]
    [InlineData(Role.Reviewer, Jurisdictions.Baoding, false)]
    [InlineData(Role.CoordinationOffice, null, true)]
    [InlineData(Role.Administrator, null, true)]
    [InlineData(Role.Proponent, null, false)]
    public void reviewers_report_for_the_tasks_their_jurisdiction_or_one_of_its_cities_leads_or_supports(Role role, string? jurisdiction, bool may) =>
        Assert.Equal(may, Tasks.MayReport(new Actor("someone", role, jurisdiction), Linkage));

    [Fact]
    public void the_public_reports_on_nothing() => Assert.False(Tasks.MayReport(Actor.Anonymous, Linkage));
}
