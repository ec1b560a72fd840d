using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Metrocircle.Core.Access;
using Metrocircle.Core.Alignment;
using Metrocircle.Core.Amendments;
using Metrocircle.Core.Cases;
using Metrocircle.Core.Storage;
using Metrocircle.Web.Features.Amendments;
using Spectre.Console;

namespace Metrocircle.Cli;

/// <summary>
/// <c>metrocircle amend propose CHANGES.geojson --base ID --rationale TEXT --effective DATE [--title T]</c> and
/// <c>metrocircle amend impact ID [--json]</c>: the operator's way to the amendment loop the web API offers, through
/// the same code. A change file is a GeoJSON FeatureCollection whose features carry <c>op</c> (add, change, retire),
/// <c>layer</c> and <c>featureId</c> as members beside <c>properties</c> (a retirement's geometry may be null), or a
/// JSON object with a <c>changes</c> list as <c>POST /amendments</c> takes it.
/// </summary>
internal static class AmendVerb
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static async Task<int> RunAsync(CliArguments args, IAnsiConsole console, TextWriter output, CancellationToken ct)
    {
        var sub = args.Positional.Count > 0 ? args.Positional[0] : throw new UsageException("amend needs propose or impact: metrocircle amend propose CHANGES.geojson --base ID --rationale TEXT --effective DATE");
        return sub switch
        {
            "propose" => await ProposeAsync(args, console, output, ct),
            "impact" => await ImpactAsync(args, console, output, ct),
            _ => throw new UsageException($"amend {sub}: use amend propose or amend impact"),
        };
    }

    private static async Task<int> ProposeAsync(CliArguments args, IAnsiConsole console, TextWriter output, CancellationToken ct)
    {
        if (args.Positional.Count != 2)
        {
            throw new UsageException("amend propose takes one CHANGES file (GeoJSON FeatureCollection)");
        }

        var baseVersion = args.Option("base") ?? throw new UsageException("amend propose needs --base VERSION (metrocircle versions lists them)");
        var rationale = args.Option("rationale");
        if (string.IsNullOrWhiteSpace(rationale))
        {
            throw new UsageException("amend propose needs --rationale TEXT: why the plan should change");
        }

        var effective = args.Option("effective") ?? throw new UsageException("amend propose needs --effective YYYY-MM-DD");
        var title = args.Option("title") ?? Path.GetFileNameWithoutExtension(args.Positional[1]);
        var json = args.Flag("json");
        await using var store = StoreOptions.Open(args);
        args.RejectUnknown();
        JsonArray changes;
        try
        {
            changes = ChangesOf(JsonNode.Parse(await File.ReadAllTextAsync(args.Positional[1], ct)));
        }
        catch (JsonException e)
        {
            throw new CommandException($"{args.Positional[1]}: not JSON: {e.Message}");
        }

        await store.MigrateAsync(ct);
        var body = new JsonObject { ["baseVersion"] = baseVersion, ["title"] = title, ["rationale"] = rationale, ["effectiveFrom"] = effective, ["changes"] = changes };
        using var doc = JsonDocument.Parse(body.ToJsonString());
        var actor = new Actor($"cli:{Environment.UserName}", Role.CoordinationOffice);
        var rules = ApprovalRules.Read(await AccountRules.RecordsAsync(store, baseVersion, ApprovalRules.LayerId, ct));
        var (file, problem) = await AmendmentsApi.ProposeAsync(doc.RootElement, actor, store, (IAmendmentStore)store,
            (v, token) => PlanSnapshot.BuildAsync(store, v, token), rules, DateTimeOffset.UtcNow, ct);
        if (problem is not null)
        {
            throw new CommandException($"{args.Positional[1]}: {problem.ProblemDetails.Title}: {problem.ProblemDetails.Detail}");
        }

        if (json)
        {
            await output.WriteLineAsync(JsonSerializer.Serialize(AmendmentViews.Of(file!, 1, actor, DateTimeOffset.UtcNow, withChanges: false), Json));
            return 0;
        }

        console.MarkupLine($"amendment [bold]{Markup.Escape(file!.Id)}[/] proposed against {Markup.Escape(file.BaseVersion)}: {file.Changes.Count} changes, case {Markup.Escape(file.CaseId ?? "-")}, public notice until {file.NoticeEndsAt:yyyy-MM-dd}");
        var table = new Table().AddColumns("rule", "province", "before (ha)", "after (ha)", "allowed (ha)", "ok", "message");
        table.Title = new TableTitle(file.BalanceOk ? "balance sheet: holds" : "balance sheet: BLOCKED");
        foreach (var line in file.Balance["rules"]!.AsArray())
        {
            table.AddRow(Markup.Escape(line!["id"]!.GetValue<string>()), Markup.Escape(line["province"]?.GetValue<string>() ?? "-"), Ha(line["before"]), Ha(line["after"]), Ha(line["allowed"]),
                line["ok"]!.GetValue<bool>() ? "yes" : "[red]no[/]", Markup.Escape(line["message"]?.GetValue<string>() ?? ""));
        }

        console.Write(table);
        return 0;
    }

    private static string Ha(JsonNode? m2) => m2 is null ? "" : (m2.GetValue<double>() / 1e4).ToString("#,0.##", CultureInfo.InvariantCulture);

    /// <summary>A FeatureCollection of changes (op, layer, featureId beside properties), or an object with a changes list, as the change list POST /amendments takes.</summary>
    internal static JsonArray ChangesOf(JsonNode? root)
    {
        if (root is JsonObject { } o && o["changes"] is JsonArray list)
        {
            return (JsonArray)list.DeepClone();
        }

        if (root is not JsonObject { } fc || fc["type"]?.GetValue<string>() != "FeatureCollection" || fc["features"] is not JsonArray features)
        {
            throw new CommandException("the change file must be a GeoJSON FeatureCollection whose features carry op, layer and featureId, or an object with a changes list");
        }

        var result = new JsonArray();
        for (var i = 0; i < features.Count; i++)
        {
            var f = features[i] as JsonObject ?? throw new CommandException($"features[{i}] is not an object");
            var change = new JsonObject { ["op"] = f["op"]?.DeepClone(), ["layer"] = f["layer"]?.DeepClone(), ["featureId"] = (f["featureId"] ?? f["id"])?.DeepClone() };
            if (f["op"]?.GetValue<string>() != "retire")
            {
                var feature = (JsonObject)f.DeepClone();
                feature.Remove("op");
                feature.Remove("layer");
                feature.Remove("featureId");
                change["feature"] = feature;
            }

            result.Add(change);
        }

        return result;
    }

    private static async Task<int> ImpactAsync(CliArguments args, IAnsiConsole console, TextWriter output, CancellationToken ct)
    {
        if (args.Positional.Count != 2)
        {
            throw new UsageException("amend impact takes one amendment id");
        }

        var json = args.Flag("json");
        await using var store = StoreOptions.Open(args);
        args.RejectUnknown();
        await store.MigrateAsync(ct);
        var stored = await ((IAmendmentStore)store).GetAmendmentAsync(args.Positional[1], ct)
            ?? throw new CommandException($"no amendment has id \"{args.Positional[1]}\"");
        var baseVersion = (await store.GetVersionRecordAsync(stored.File.BaseVersion, ct))?.Version
            ?? throw new CommandException($"the base version {stored.File.BaseVersion} of {stored.File.Id} is not in the store");
        var report = await AmendmentImpactApi.ComputeAsync(stored.File, store, (ICaseStore)store, (IDocumentStore)store, await PlanSnapshot.BuildAsync(store, baseVersion, ct), true, ct);
        if (json)
        {
            await output.WriteLineAsync(report.ToJsonString(Json));
            return 0;
        }

        console.MarkupLine($"impact of [bold]{Markup.Escape(stored.File.Id)}[/] ({Markup.Escape(stored.File.Title)}) on {Markup.Escape(stored.File.BaseVersion)}: "
            + $"{report["checksChanged"]} stored checks change, {report["casesChanged"]} cases; {report["rechecked"]} re-checked, {report["unchangedWithoutRecheck"]} unchanged without re-checking");
        var checks = new Table().AddColumns("check", "before", "after", "rules");
        foreach (var c in report["checks"]!.AsArray())
        {
            checks.AddRow(Markup.Escape(c!["checkId"]!.GetValue<string>()), c["verdictBefore"]!.GetValue<string>(), c["verdictAfter"]!.GetValue<string>(),
                Markup.Escape(string.Join(", ", c["rules"]!.AsArray().Select(r => r!.GetValue<string>()))));
        }

        console.Write(checks);
        var areas = new Table().AddColumns("layer", "county", "province", "added (ha)", "removed (ha)");
        foreach (var a in report["areas"]!.AsArray())
        {
            areas.AddRow(Markup.Escape(a!["layer"]!.GetValue<string>()), Markup.Escape(a["county"]?.GetValue<string>() ?? "-"), Markup.Escape(a["province"]?.GetValue<string>() ?? "-"),
                Ha(a["addedM2"]), Ha(a["removedM2"]));
        }

        console.Write(areas);
        return 0;
    }
}
