using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Metrocircle.Core.Alignment;
using Metrocircle.Core.Storage;
using Metrocircle.Formats;
using Spectre.Console;

namespace Metrocircle.Cli;

/// <summary>
/// <c>metrocircle audit FILE --out FILE [--category C]</c>: checks every footprint of a file against the plan in
/// force, in parallel, and writes one JSON line per footprint — its verdict, or the problem that kept it from
/// being checked — in the order of the input.
/// </summary>
internal static class AuditVerb
{
    private const int Batch = 2_000;

    private const string Invalid = "invalid";

    private static readonly System.Text.Json.JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly System.Text.Json.JsonSerializerOptions VerdictJson = new(CheckDocument.Json) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task<int> RunAsync(CliArguments args, IAnsiConsole console, TextWriter output, CancellationToken ct)
    {
        if (args.Positional.Count != 1)
        {
            throw new UsageException("audit needs exactly one FILE of footprints");
        }

        var outPath = args.Option("out") ?? throw new UsageException("audit needs --out FILE (JSON lines, one verdict per footprint)");
        var category = args.Option("category");
        var buffer = CheckVerb.ParseBuffer(args.Option("buffer"));
        await using var store = StoreOptions.Open(args);
        args.RejectUnknown();
        await store.MigrateAsync(ct);
        var snapshot = await LoadSnapshotAsync(store, ct);

        var full = Path.GetFullPath(outPath);
        var temp = full + ".partial";
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        var clock = Stopwatch.StartNew();
        long done = 0;
        try
        {
            await using (var reader = await CheckVerb.OpenAsync(args.Positional[0], ct))
            await using (var writer = new StreamWriter(temp, append: false, new UTF8Encoding(false), 1 << 16))
            {
                // Reading the file (one thread) overlaps checking the batch before (all cores) and writing the one
                // before that: while the reader, the writer and the verdict counting ran between parallel batches,
                // two threads audited barely faster than one.
                var batch = new List<RawFeature>(Batch);
                Task<(string Line, string Verdict)[]>? checking = null;
                async Task WriteAsync(Task<(string Line, string Verdict)[]> checkedBatch)
                {
                    var lines = await checkedBatch;
                    foreach (var (line, verdict) in lines)
                    {
                        await writer.WriteLineAsync(line.AsMemory(), ct);
                        counts[verdict] = counts.GetValueOrDefault(verdict) + 1;
                    }

                    done += lines.Length;
                    if (done % 20_000 < Batch || !ReferenceEquals(output, Console.Out))
                    {
                        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  {done:N0} footprints checked, {done / Math.Max(clock.Elapsed.TotalSeconds, 1e-3):N0}/s"));
                    }
                }

                Task<(string Line, string Verdict)[]> Check(RawFeature[] items) => Task.Run(() =>
                {
                    var lines = new (string, string)[items.Length];
                    Parallel.For(0, items.Length, new ParallelOptions { CancellationToken = ct }, i => lines[i] = CheckOne(items[i], category, buffer, snapshot));
                    return lines;
                }, ct);

                try
                {
                    await foreach (var feature in reader.ReadAsync(ct))
                    {
                        batch.Add(feature);
                        if (batch.Count == Batch)
                        {
                            var previous = checking;
                            checking = Check([.. batch]);
                            batch.Clear();
                            if (previous is not null)
                            {
                                await WriteAsync(previous);
                            }
                        }
                    }

                    if (checking is not null)
                    {
                        await WriteAsync(checking);
                        checking = null;
                    }

                    if (batch.Count > 0)
                    {
                        await WriteAsync(Check([.. batch]));
                    }
                }
                finally
                {
                    // A failed read must not leave a batch running against a writer about to be closed.
                    if (checking is not null)
                    {
                        await Task.WhenAny(checking);
                    }
                }
            }

            File.Move(temp, full, overwrite: true);
        }
        catch (LayerFileException e)
        {
            throw new CommandException($"{e.Message}; nothing was written to {full}");
        }
        finally
        {
            File.Delete(temp);
        }

        console.MarkupLineInterpolated($"audited {done:N0} footprints in {clock.Elapsed.TotalSeconds:0.0} s against plan version {snapshot.Version.Id} (rules {snapshot.RulesVersion}) → {full}");
        foreach (var (verdict, n) in counts.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            console.MarkupLineInterpolated($"  {verdict}: {n:N0}");
        }

        return 0;
    }

    /// <summary>The line of one footprint and its verdict (<c>invalid</c> for a problem).</summary>
    private static (string Line, string Verdict) CheckOne(RawFeature feature, string? category, double? buffer, PlanSnapshot snapshot)
    {
        var id = feature.Id ?? feature.Index.ToString(CultureInfo.InvariantCulture);
        var line = new JsonObject { ["feature"] = id, ["where"] = feature.Where };
        if (feature.GeometryError is { } error)
        {
            line["problem"] = new JsonObject { ["status"] = 422, ["title"] = "Unreadable geometry", ["detail"] = error };
            return (line.ToJsonString(Relaxed), Invalid);
        }

        var (footprint, problem) = Footprint.Create(feature.Geometry, category ?? Text(feature, "category"), buffer ?? Number(feature, "bufferM"), Attributes(feature), snapshot);
        if (problem is not null)
        {
            line["problem"] = new JsonObject
            {
                ["status"] = Metrocircle.Web.Infrastructure.Problems.StatusOf(problem.Kind),
                ["title"] = problem.Title,
                ["detail"] = problem.Detail,
                ["location"] = problem.Location is null ? null : new JsonArray(problem.Location.X, problem.Location.Y),
            };
            return (line.ToJsonString(Relaxed), Invalid);
        }

        // The verdict's own object follows the two leading members: the same bytes a merged JSON object would give,
        // without building and copying a DOM per footprint (allocation the shared garbage collector serialised).
        var verdict = AlignmentChecker.Check(snapshot, footprint!);
        var fields = System.Text.Json.JsonSerializer.Serialize(verdict, VerdictJson);
        var text = "{\"feature\":" + System.Text.Json.JsonSerializer.Serialize(id, Relaxed) + ",\"where\":"
            + System.Text.Json.JsonSerializer.Serialize(feature.Where, Relaxed) + "," + fields[1..];
        return (text, verdict.Result);
    }

    internal static async Task<PlanSnapshot> LoadSnapshotAsync(IPlanStore store, CancellationToken ct)
    {
        var version = await store.GetCurrentVersionAsync(ct)
            ?? throw new CommandException($"{store.Description} holds no plan yet; run `metrocircle seed`");
        try
        {
            return await PlanSnapshot.BuildAsync(store, version, ct);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw new CommandException($"plan version {version.Id} cannot be analysed: {e.Message}");
        }
    }

    internal static string? Text(RawFeature f, string name) => f.Properties[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    internal static double? Number(RawFeature f, string name) => f.Properties[name] is JsonValue v && v.TryGetValue<double>(out var d) ? d : null;

    internal static JsonObject Attributes(RawFeature f)
    {
        var copy = (JsonObject)f.Properties.DeepClone();
        copy.Remove("category");
        copy.Remove("bufferM");
        return copy;
    }
}
