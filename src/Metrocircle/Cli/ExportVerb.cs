using System.Text.Json;
using Metrocircle.Core.Spatial;
using Metrocircle.Formats.Crs;

namespace Metrocircle.Cli;

/// <summary><c>metrocircle export LAYER --out FILE</c>: a layer of the plan in force, of <c>--version ID</c> or of the plan in force on <c>--as-of DATE</c>.</summary>
internal static class ExportVerb
{
    public static async Task<int> RunAsync(CliArguments args, TextWriter output, CancellationToken ct)
    {
        if (args.Positional.Count != 1)
        {
            throw new UsageException("export needs exactly one LAYER");
        }

        var layerId = args.Positional[0];
        var outPath = args.Option("out") ?? throw new UsageException("export needs --out FILE.geojson");
        ExportCrs? crs;
        try
        {
            crs = args.Option("crs") is { } crsName ? ExportCrs.Parse(crsName) : null;
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }

        var versionId = args.Option("version");
        var asOf = args.Option("as-of");
        await using var store = StoreOptions.Open(args);
        args.RejectUnknown();
        await store.MigrateAsync(ct);
        var version = await VersionsVerb.SelectAsync(store, versionId, asOf, ct);
        var layers = await store.GetLayersAsync(version.Id, ct);
        if (layers.All(l => l.Id != layerId))
        {
            throw new CommandException($"plan version {version.Id} has no layer \"{layerId}\"; layers: {string.Join(", ", layers.Select(l => l.Id))}");
        }

        // Written beside the target and renamed at the end, so a failed export never leaves half a file.
        var full = Path.GetFullPath(outPath);
        var temp = full + ".partial";
        var count = 0;
        try
        {
            await using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            await using (var w = new Utf8JsonWriter(file, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                w.WriteStartObject();
                w.WriteString("type", "FeatureCollection");
                w.WriteString("name", layerId);
                w.WriteString("planVersion", version.Id);
                crs?.WriteCrsMember(w);
                w.WriteStartArray("features");
                await foreach (var feature in store.StreamFeaturesAsync(version.Id, layerId, ct))
                {
                    GeoJsonFeatureWriter.Write(w, crs?.Project(feature) ?? feature);
                    count++;
                    if (w.BytesPending > 1 << 16)
                    {
                        await w.FlushAsync(ct);
                    }
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }

        await output.WriteLineAsync($"exported {count} features of {layerId} (plan version {version.Id}) to {full}{(crs is null ? string.Empty : $" in {crs.Description}")}");
        return 0;
    }
}
