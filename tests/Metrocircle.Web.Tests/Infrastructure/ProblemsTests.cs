using Metrocircle.Core;
using Metrocircle.Web.Infrastructure;

namespace Metrocircle.Web.Tests.Infrastructure;

public sealed class ProblemsTests
{
    [Theory]
    [InlineData(ProblemKind.Malformed, 400)]
    [InlineData(ProblemKind.Invalid, 422)]
    [InlineData(ProblemKind.TooLarge, 413)]
    [InlineData(ProblemKind.NotFound, 404)]
    [InlineData(ProblemKind.Conflict, 409)]
    public void each_kind_of_core_problem_has_its_status_code(ProblemKind kind, int status) =>
        Assert.Equal(status, Problems.StatusOf(kind));

    [Fact]
    public void every_kind_of_core_problem_is_mapped() =>
        Assert.All(Enum.GetValues<ProblemKind>(), kind => Assert.InRange(Problems.StatusOf(kind), 400, 499));
}
