using System.Diagnostics;
using System.Globalization;
using Metrocircle.Core.Import;
using Metrocircle.Core.Model;
using Metrocircle.Formats;
using Metrocircle.Formats.Import;
using NetTopologySuite.IO;

// import-stages FILE LAYER KIND: times the stages of `metrocircle import` that come before the store, on one file, so
// that an import's wall time can be split between reading and validating (one task) and writing (the other):
//   read      the file read and parsed, nothing else
//   validate  read, parsed, held to the kind's schema and validated and repaired, as the import's reader task does
//   encode    validate, plus each feature's WKB and properties text, the values a store binds per row
if (args.Length < 3)
{
    Console.Error.WriteLine("usage: import-stages FILE LAYER KIND");
    return 2;
}

var (file, layerId, kind) = (args[0], args[1], args[2]);
foreach (var stage in new[] { "read", "validate", "encode" })
{
    var clock = Stopwatch.StartNew();
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    long n = 0, bytes = 0;
    await using var reader = await LayerFile.OpenAsync(file, CancellationToken.None);
    if (stage == "read")
    {
        await foreach (var raw in reader.ReadAsync(CancellationToken.None))
        {
            n += raw.Geometry is null ? 0 : 1;
        }
    }
    else
    {
        var report = new ImportReport(file);
        await using var import = await LayerImport.StartAsync(reader, layerId, report, CancellationToken.None, KindSchemas.For(kind));
        var writer = new WKBWriter(ByteOrder.LittleEndian, handleSRID: false);
        await foreach (var f in import.FeaturesAsync(new Provenance(file, Certainty.Synthetic), CancellationToken.None))
        {
            n++;
            if (stage == "encode")
            {
                bytes += f.Properties.ToJsonString().Length + (f.Geometry is null ? 0 : writer.Write(f.Geometry).Length);
            }
        }
    }

    var used = Process.GetCurrentProcess().TotalProcessorTime - cpu;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{stage,-9} {n,10:N0} features  wall {clock.Elapsed.TotalSeconds,6:F2} s  cpu {used.TotalSeconds,6:F2} s  ({bytes:N0} bytes encoded)"));
}

return 0;
