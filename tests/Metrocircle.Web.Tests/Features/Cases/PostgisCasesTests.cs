using Metrocircle.Web.Tests.Features.Collections;
using static Metrocircle.Web.Tests.Features.Cases.CaseRequests;

namespace Metrocircle.Web.Tests.Features.Cases;

/// <summary>The same parallel decisions against a server on PostgreSQL + PostGIS, where the race is between real concurrent transactions.</summary>
public sealed class PostgisCasesTests(PostgisServer postgis) : IClassFixture<PostgisServer>
{
    [Fact]
    public Task many_parallel_decisions_on_postgis_lose_no_update_and_each_task_is_decided_exactly_once()
    {
        var server = postgis.Require();
        return ParallelDecisionsAsync(server.Client, server.ClientAsAsync);
    }
}
