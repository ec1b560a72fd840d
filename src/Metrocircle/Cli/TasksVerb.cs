using System.Globalization;
using Metrocircle.Core.Collaboration;
using Metrocircle.Core.Storage;
using Spectre.Console;

namespace Metrocircle.Cli;

/// <summary>
/// <c>metrocircle tasks [--jurisdiction J] [--dimension D] [--status S] [--as-of DATE]</c>: the collaboration tasks of
/// the plan in force with the status of their milestones on a date, and the overdue warnings.
/// </summary>
internal static class TasksVerb
{
    public const string Usage = """
        usage: metrocircle tasks [--jurisdiction J] [--dimension D] [--status S] [--as-of YYYY-MM-DD] [--store STORE]

        Lists the collaboration tasks of the plan version in force with the status of each milestone on a date
        (today, UTC, unless --as-of), then the overdue milestones, the most recently due first.

          --jurisdiction J   only tasks J leads or supports (a province or city id, e.g. 110000, 130000, 131000;
                             a former id such as hebei is accepted for one version;
                             a province includes the tasks of its cities)
          --dimension D      innovation, industry, transport, ecology, public-services, culture or safety
          --status S         on-track, overdue or done
          --as-of DATE       judge on this day, counting only progress reported up to it
          --store STORE      sqlite:PATH or postgresql://… (default sqlite:metrocircle-data/metrocircle.sqlite)

        Progress is reported through POST /tasks/{id}/progress by those acting for a task's jurisdictions.
        """;

    public static async Task<int> RunAsync(CliArguments args, IAnsiConsole console, TextWriter output, CancellationToken ct)
    {
        if (args.Flag("help"))
        {
            await output.WriteLineAsync(Usage);
            return 0;
        }

        if (args.Positional.Count > 0)
        {
            throw new UsageException($"tasks takes no argument \"{args.Positional[0]}\"; see metrocircle tasks --help");
        }

        var asOf = DateOnly.FromDateTime(DateTime.UtcNow);
        if (args.Option("as-of") is { } asOfText
            && !DateOnly.TryParseExact(asOfText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out asOf))
        {
            throw new UsageException($"--as-of {asOfText}: give a date as YYYY-MM-DD");
        }

        TaskDimension? dimension = null;
        if (args.Option("dimension") is { } dimensionText)
        {
            dimension = TaskDimensions.TryParse(dimensionText, out var d) ? d
                : throw new UsageException($"--dimension {dimensionText}: use one of {TaskDimensions.List}");
        }

        TaskState? state = null;
        if (args.Option("status") is { } statusText)
        {
            state = TaskEvaluator.TryParse(statusText, out var s) ? s
                : throw new UsageException($"--status {statusText}: use one of {TaskEvaluator.TaskStates}");
        }

        var jurisdiction = args.Option("jurisdiction");
        await using var store = StoreOptions.Open(args);
        args.RejectUnknown();
        await store.MigrateAsync(ct);
        var version = await store.GetCurrentVersionAsync(ct) ?? throw new CommandException($"{store.Description} holds no plan; run `metrocircle seed` first");
        var tasks = await PlanTasks.LoadAsync(store, version, ct);
        if (jurisdiction is not null)
        {
            // A former id (before ids were codes) names the jurisdiction under its current id.
            jurisdiction = (await Core.Model.JurisdictionIndex.LoadAsync(store, version.Id, await store.GetLayersAsync(version.Id, ct), ct)).Resolve(jurisdiction);
        }

        if (jurisdiction is not null && !tasks.Jurisdictions.Contains(jurisdiction))
        {
            throw new UsageException($"--jurisdiction {jurisdiction}: plan version {version.Id} has no such province or city; use one of {string.Join(", ", tasks.Jurisdictions.Order(StringComparer.Ordinal))}");
        }

        var updates = await store.GetProgressAsync(null, ct);
        var selected = tasks.Filter(TaskEvaluator.EvaluateAll(tasks.Tasks, updates, asOf), dimension, jurisdiction, state);
        var day = asOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        if (selected.Count == 0)
        {
            await output.WriteLineAsync($"no task of plan version {version.Id} matches ({tasks.Tasks.Count} in all)");
            return 0;
        }

        var table = new Table().AddColumns("task", "dimension", "lead", "supporting", "status", "milestones", "last update");
        table.Title = new TableTitle($"collaboration tasks of plan version {version.Id} as of {day}");
        foreach (var e in selected)
        {
            table.AddRow(
                Markup.Escape($"{e.Task.Id}\n{e.Task.NameEn}"),
                TaskDimensions.Name(e.Task.Dimension),
                Markup.Escape(e.Task.Lead),
                Markup.Escape(string.Join(", ", e.Task.Supporting)),
                Status(e),
                Markup.Escape(e.Milestones.Count == 0 ? "none" : string.Join("\n", e.Milestones.Select(Milestone))),
                Markup.Escape(e.LastUpdate is { } u ? $"{u.At:yyyy-MM-dd} {ProgressStatuses.Name(u.Status)}\nby {u.Actor}" : "none"));
        }

        console.Write(table);
        var warnings = TaskEvaluator.Warnings(selected);
        await output.WriteLineAsync(warnings.Count == 0
            ? $"no milestone is overdue as of {day}"
            : $"{warnings.Count} overdue milestone{(warnings.Count == 1 ? "" : "s")} as of {day}, most recently due first:");
        foreach (var w in warnings)
        {
            await output.WriteLineAsync($"  {w.Task.Id}/{w.Milestone.Id}: {w.Message}");
        }

        return 0;
    }

    private static string Status(TaskEvaluation e)
    {
        var name = TaskEvaluator.Name(e.State) + (e.Percent is { } p ? $" {p}%" : "") + (e.Blocked ? " (blocked)" : "");
        var colour = e.State switch { TaskState.Overdue => "red", TaskState.Done => "green", _ => e.Blocked ? "darkorange" : "default" };
        return $"[{colour}]{Markup.Escape(name)}[/]";
    }

    private static string Milestone(MilestoneEvaluation m)
    {
        var due = m.Milestone.Due is { } d
            ? $"due {d:yyyy-MM-dd}{(m.Milestone.DueCertainty == Core.Model.Certainty.Indicative ? " (indicative)" : "")}"
            : "no date";
        var state = m.State switch
        {
            MilestoneState.Overdue => $"overdue {m.DaysOverdue} d",
            MilestoneState.Done when m.DoneLate => "done late",
            _ => TaskEvaluator.Name(m.State),
        };
        return $"{m.Milestone.Id}: {state}, {due}";
    }
}
