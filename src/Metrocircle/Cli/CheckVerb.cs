using System.Globalization;
using Metrocircle.Core.Alignment;
using Metrocircle.Core.Storage;
using Metrocircle.Formats;
using Spectre.Console;

namespace Metrocircle.Cli;

/// <summary><c>metrocircle check FILE --category C [--buffer M] [--json]</c>: one footprint against the plan in force.</summary>
internal static class CheckVerb
{
    public static async Task<int> RunAsync(CliArguments args, IAnsiConsole console, TextWriter output, CancellationToken ct)
    {
        if (args.Positional.Count != 1)
        {
            throw new UsageException("check needs exactly one FILE holding one footprint");
        }

        var category = args.Option("category");
        var buffer = ParseBuffer(args.Option("buffer"));
        var json = args.Flag("json");
        await using var store = StoreOptions.Open(args);
        args.RejectUnknown();
        await store.MigrateAsync(ct);
        var snapshot = await AuditVerb.LoadSnapshotAsync(store, ct);

        var feature = await SingleFeatureAsync(args.Positional[0], ct);
        await using (var reader = feature is null ? await OpenAsync(args.Positional[0], ct) : null)
        {
            await foreach (var f in reader?.ReadAsync(ct) ?? AsyncEnumerable.Empty<RawFeature>())
            {
                if (feature is not null)
                {
                    throw new CommandException($"{args.Positional[0]} holds more than one feature; check takes one footprint (use `metrocircle audit` for many)");
                }

                feature = f;
            }
        }

        if (feature is null)
        {
            throw new CommandException($"{args.Positional[0]} holds no feature");
        }

        if (feature.GeometryError is { } unreadable)
        {
            throw new CommandException($"{args.Positional[0]} ({feature.Where}): unreadable geometry: {unreadable}");
        }

        var (footprint, problem) = Footprint.Create(feature.Geometry, category ?? AuditVerb.Text(feature, "category"), buffer ?? AuditVerb.Number(feature, "bufferM"),
            AuditVerb.Attributes(feature), snapshot);
        if (problem is not null)
        {
            throw new CommandException($"{args.Positional[0]} ({feature.Where}): {problem.Title}: {problem.Detail}");
        }

        var (id, verdict, doc) = await ProjectCheck.RunAsync(store, snapshot, footprint!, StoreOptions.Actor, null, DateTimeOffset.UtcNow, ct);

        if (json)
        {
            await output.WriteLineAsync(doc.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
            return 0;
        }

        Print(console, id, verdict);
        return 0;
    }

    /// <summary>A file holding one GeoJSON Feature or a bare geometry (the usual input of a check), or null for any other file.</summary>
    private static async Task<RawFeature?> SingleFeatureAsync(string path, CancellationToken ct)
    {
        var info = new FileInfo(path);
        if (!info.Exists || info.Length > 16 * 1024 * 1024)
        {
            return null;
        }

        System.Text.Json.JsonDocument doc;
        try
        {
            await using var stream = info.OpenRead();
            doc = await System.Text.Json.JsonDocument.ParseAsync(stream, cancellationToken: ct);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }

        using (doc)
        {
            var root = doc.RootElement;
            var type = root.ValueKind == System.Text.Json.JsonValueKind.Object && root.TryGetProperty("type", out var t) ? t.GetString() : null;
            if (type is null or "FeatureCollection")
            {
                return null;
            }

            var geometryElement = type == "Feature" ? (root.TryGetProperty("geometry", out var g) ? g : default) : root;
            var properties = type == "Feature" && root.TryGetProperty("properties", out var p) && p.ValueKind == System.Text.Json.JsonValueKind.Object
                ? (System.Text.Json.Nodes.JsonObject)System.Text.Json.Nodes.JsonNode.Parse(p.GetRawText())!
                : [];
            try
            {
                return new RawFeature(1, "the file", null, Core.Spatial.GeoJsonGeometry.Read(geometryElement), properties);
            }
            catch (Core.Spatial.GeoJsonFormatException e)
            {
                return new RawFeature(1, "the file", null, null, properties, e.Message);
            }
        }
    }

    internal static double? ParseBuffer(string? text)
    {
        if (text is null)
        {
            return null;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new UsageException($"--buffer must be a width in metres greater than 0; got \"{text}\"");
    }

    internal static async Task<LayerReader> OpenAsync(string path, CancellationToken ct)
    {
        try
        {
            return await LayerFile.OpenAsync(path, ct);
        }
        catch (LayerFileException e)
        {
            throw new CommandException(e.Message);
        }
    }

    private static void Print(IAnsiConsole console, string id, Verdict verdict)
    {
        var colour = verdict.Result switch { Verdict.Aligned => "green", Verdict.Conditional => "darkorange", _ => "red" };
        console.MarkupLineInterpolated($"[bold {colour}]{verdict.Result}[/]  {verdict.CategoryName} · {verdict.AreaHa:0.##} ha · check {id}");
        console.MarkupLineInterpolated($"[grey]plan {verdict.PlanVersion} · rules {verdict.RulesVersion} · {verdict.InputHash}[/]");
        var places = new Table().AddColumns("where", "share", "ha");
        foreach (var p in verdict.Jurisdictions.Concat(verdict.Circles))
        {
            places.AddRow(Markup.Escape($"{p.Name} {p.NameEn}"), p.Share.ToString("P1", CultureInfo.InvariantCulture), p.AreaHa.ToString("0.##", CultureInfo.InvariantCulture));
        }

        foreach (var o in verdict.Overlaps)
        {
            places.AddRow(Markup.Escape($"overlaps {o.Title} ({o.FeatureIds.Count})"), o.Share.ToString("P1", CultureInfo.InvariantCulture), o.AreaHa.ToString("0.##", CultureInfo.InvariantCulture));
        }

        console.Write(places);
        var rules = new Table().AddColumns("rule", "outcome", "message");
        foreach (var r in verdict.Rules)
        {
            var style = r.Outcome switch { "fail" => "red", "warn" => "darkorange", "needs-approval" => "blue", _ => "green" };
            rules.AddRow(Markup.Escape(r.Id), $"[{style}]{Markup.Escape(r.Outcome)}[/]", Markup.Escape(r.Message));
        }

        console.Write(rules);
        foreach (var a in verdict.Approvals)
        {
            console.MarkupLineInterpolated($"approval: {a.Authority} ({string.Join(", ", a.RuleIds)})");
        }

        foreach (var e in verdict.EdgeContacts)
        {
            console.MarkupLineInterpolated($"[grey]{e.Note}[/]");
        }
    }
}
