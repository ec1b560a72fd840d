using System.Globalization;
using System.Text.Json;
using Metrocircle.Core.Model;
using Metrocircle.Core.Storage;
using Metrocircle.Web.Features.Versions;
using Spectre.Console;

namespace Metrocircle.Cli;

/// <summary><c>metrocircle versions [--json]</c>: every plan version, newest first, as GET /versions lists them.</summary>
internal static class VersionsVerb
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static async Task<int> RunAsync(CliArguments args, IAnsiConsole console, TextWriter output, CancellationToken ct)
    {
        if (args.Positional.Count != 0)
        {
            throw new UsageException("versions takes no FILE or LAYER; use --json for JSON");
        }

        var json = args.Flag("json");
        await using var store = StoreOptions.Open(args);
        args.RejectUnknown();
        await store.MigrateAsync(ct);
        var newest = await store.GetCurrentVersionAsync(ct)
            ?? throw new CommandException($"{store.Description} holds no plan yet; run `metrocircle seed`");
        var records = await store.GetVersionsAsync(newest.PlanId, ct);
        var list = VersionList.Of(records, Today);
        if (json)
        {
            await output.WriteLineAsync(JsonSerializer.Serialize(list, Json));
            return 0;
        }

        var table = new Table().AddColumns("version", "seq", "effective", "published (UTC)", "source", "in force", "changes (+added ~changed -retired)", "label / rationale");
        table.Title = new TableTitle($"versions of plan {newest.PlanId}, newest first");
        foreach (var (record, summary) in records.Zip(list.Versions))
        {
            table.AddRow(
                Markup.Escape(summary.Id),
                summary.Sequence.ToString(CultureInfo.InvariantCulture),
                summary.EffectiveFrom.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                summary.PublishedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
                Markup.Escape(summary.AmendmentId is null ? summary.Source : $"{summary.Source} {summary.AmendmentId}"),
                summary.InForce ? "yes" : "",
                Markup.Escape(string.Join(", ", summary.Layers.Select(l => string.Create(CultureInfo.InvariantCulture, $"{l.Id} +{l.Added} ~{l.Changed} -{l.Retired}")))),
                Markup.Escape(record.Rationale is null ? summary.Label : $"{summary.Label}: {record.Rationale}"));
        }

        console.Write(table);
        return 0;
    }

    /// <summary>Today as the web host counts it: the plan in force is the one whose effective date has come, in UTC days.</summary>
    public static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

    /// <summary>
    /// The version a verb reads: exactly <c>--version ID</c>, the one in force on <c>--as-of DATE</c>, or with neither
    /// the one in force today (the newest while none is), as the web map serves it.
    /// </summary>
    public static async Task<PlanVersion> SelectAsync(IPlanStore store, string? versionId, string? asOf, CancellationToken ct)
    {
        if (versionId is not null && asOf is not null)
        {
            throw new UsageException("give --version ID or --as-of DATE, not both");
        }

        DateOnly? day = null;
        if (asOf is not null)
        {
            day = DateOnly.TryParseExact(asOf, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed)
                ? parsed
                : throw new UsageException($"--as-of \"{asOf}\" is not a date YYYY-MM-DD (for example 2026-03-01)");
        }

        var newest = await store.GetCurrentVersionAsync(ct)
            ?? throw new CommandException($"{store.Description} holds no plan yet; run `metrocircle seed`");
        if (versionId is not null)
        {
            return (await store.GetVersionRecordAsync(versionId, ct))?.Version
                ?? throw new CommandException($"no plan version \"{versionId}\"; `metrocircle versions` lists them");
        }

        if (day is { } d)
        {
            if (await store.GetVersionInForceAsync(d, ct) is { } inForce)
            {
                return inForce;
            }

            var first = (await store.GetVersionsAsync(newest.PlanId, ct))[^1].Version;
            throw new CommandException($"no plan version was in force on {d:yyyy-MM-dd}: the first, {first.Id}, took effect on {first.EffectiveFrom:yyyy-MM-dd}");
        }

        return await store.GetVersionInForceAsync(Today, ct) ?? newest;
    }
}
