using System.Text.Json.Nodes;
using Metrocircle.Core.Collaboration;
using Metrocircle.Core.Dataset;
using Metrocircle.Core.Model;
using Metrocircle.Core.Tests.Dataset;

namespace Metrocircle.Core.Tests.Collaboration;

public sealed class TaskCatalogTests(CapitalCircleBuild shipped) : IClassFixture<CapitalCircleBuild>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string TasksLayer(string task) => $$"""
        { "id": "tasks", "kind": "record", "titleZh": "任务", "titleEn": "Tasks", "description": "d", "geometry": "None", "order": 9, "attributes": [],
          "defaults": { "provenance": { "source": "test", "certainty": "confirmed" } },
          "features": [ {{task}} ] }
        """;

    private const string Good = """
        { "id": "linkage", "properties": { "nameZh": "联动", "nameEn": "Linkage", "dimension": "industry", "lead": "east", "supporting": ["wcity"],
          "places": [ { "layer": "counties", "featureId": "east-01" } ], "articles": ["Section 3"],
          "milestones": [ { "id": "m1", "title": "Agreement signed", "due": "2030-12-31", "dueCertainty": "indicative", "dueBasis": "year only" }, { "id": "m2", "title": "Undated" } ] } }
        """;

    private static PlanFeature Record(string id, JsonObject properties) => new(TaskCatalog.LayerId, id, null, properties, new Provenance("test", Certainty.Confirmed));

    [Fact]
    public async Task a_dataset_reads_its_tasks_with_milestones_and_dates_marked_as_the_sources_give_them()
    {
        using var d = new TestDataset().WithDefaults(layers: TasksLayer(Good));
        var build = await DatasetBuilder.BuildAsync(d.Folder, Ct);
        var task = Assert.Single(TaskCatalog.Read(build.Features));
        Assert.Equal((TaskDimension.Industry, "east", "wcity"), (task.Dimension, task.Lead, Assert.Single(task.Supporting)));
        Assert.Equal(new PlaceLink("counties", "east-01"), Assert.Single(task.Places));
        Assert.Equal((new DateOnly(2030, 12, 31), Certainty.Indicative, "year only"), (task.Milestones[0].Due, task.Milestones[0].DueCertainty, task.Milestones[0].DueBasis));
        Assert.Null(task.Milestones[1].Due);
    }

    [Theory]
    [InlineData("\"layer\": \"counties\", \"featureId\": \"nowhere\"", "task linkage: links to place counties/nowhere, but layer counties has no feature \"nowhere\"")]
    [InlineData("\"layer\": \"rivers\", \"featureId\": \"x\"", "task linkage: links to place rivers/x, but the plan has no layer \"rivers\"")]
    public async Task a_link_to_a_place_the_plan_does_not_hold_fails_the_build_naming_the_task(string place, string message)
    {
        using var d = new TestDataset().WithDefaults(layers: TasksLayer(Good.Replace("\"layer\": \"counties\", \"featureId\": \"east-01\"", place, StringComparison.Ordinal)));
        var e = await Assert.ThrowsAsync<DatasetException>(() => DatasetBuilder.BuildAsync(d.Folder, Ct));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task an_unknown_jurisdiction_or_indicator_fails_the_build_with_every_problem_listed()
    {
        using var d = new TestDataset().WithDefaults(layers: TasksLayer(Good.Replace("\"lead\": \"east\"", "\"lead\": \"north\", \"indicators\": [\"jobs\"]", StringComparison.Ordinal)));
        var e = await Assert.ThrowsAsync<DatasetException>(() => DatasetBuilder.BuildAsync(d.Folder, Ct));
        Assert.Contains("task linkage: jurisdiction \"north\" is not a feature of the provinces or cities layer", e.Message, StringComparison.Ordinal);
        Assert.Contains("task linkage: indicator \"jobs\" is not in the indicators layer", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"dimension\": \"housing\"", "task t: dimension \"housing\" is not one of innovation, industry, transport, ecology, public-services, culture, safety")]
    [InlineData("\"dimension\": \"ecology\", \"milestones\": [ { \"id\": \"m\", \"title\": \"x\", \"due\": \"2030\" } ]", "task t: milestone m is due \"2030\", which is not a date yyyy-MM-dd")]
    [InlineData("\"dimension\": \"ecology\", \"milestones\": [ { \"id\": \"m\", \"title\": \"x\", \"due\": \"2030-12-31\", \"dueCertainty\": \"indicative\" } ]", "task t: milestone m has an indicative due date without \"dueBasis\"")]
    [InlineData("\"dimension\": \"ecology\", \"supporting\": [\"east\"]", "task t: \"east\" is both the lead and a supporting jurisdiction")]
    [InlineData("\"dimension\": \"ecology\", \"places\": [\"counties/1\"]", "task t: places[0] is not an object {\"layer\", \"featureId\"}")]
    public void a_malformed_task_is_refused_naming_the_task_and_the_field(string fields, string message)
    {
        var properties = JsonNode.Parse($$"""{ "nameZh": "任务", "nameEn": "Task", "lead": "east", {{fields}} }""")!.AsObject();
        var e = Assert.Throws<FormatException>(() => TaskCatalog.Read([Record("t", properties)]));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void the_shipped_tasks_are_the_ones_the_sources_name_and_every_link_resolves()
    {
        var tasks = TaskCatalog.Read(shipped.Build.Features);
        Assert.Empty(TaskCatalog.CheckBuild(shipped.Build.Features));
        Assert.Contains(tasks, t => t.Id == "innovation-triangle" && t.Milestones.Single().Due == new DateOnly(2030, 12, 31));
        Assert.Contains(tasks, t => t.Id == "plain-new-towns-linkage" && t.Places.Contains(new PlaceLink("counties", "120114")));
        Assert.Contains(tasks, t => t.Id == "cross-boundary-public-services" && t.Dimension == TaskDimension.PublicServices);

        // A date the sources do not state is never passed off as theirs.
        Assert.All(tasks.SelectMany(t => t.Milestones).Where(m => m.Due is not null), m =>
            Assert.True(m.DueCertainty == Certainty.Confirmed || !string.IsNullOrWhiteSpace(m.DueBasis), m.Id));
        Assert.All(tasks.Where(t => t.Provenance.Certainty != Certainty.Confirmed), t => Assert.False(string.IsNullOrWhiteSpace(t.Provenance.Basis)));
        Assert.Equal(TaskDimensions.All.Order(), tasks.Select(t => t.Dimension).Distinct().Order());
    }
}
