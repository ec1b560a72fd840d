using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Metrocircle.Tests.Cli;

/// <summary>The real thing: a separate process killed with SIGKILL half-way through a long import.</summary>
public sealed partial class ImportKillTests : IDisposable
{
    private const int Features = 400_000;

    private readonly StoreFixture _store = new();

    [Fact]
    public async Task an_import_killed_half_way_leaves_the_layer_and_the_store_as_they_were()
    {
        var ct = TestContext.Current.CancellationToken;
        await _store.PublishAsync();
        var before = await _store.SnapshotAsync("counties");
        var path = Path.Combine(_store.Folder, "big.geojsons");
        await using (var file = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16))
        {
            for (var i = 1; i <= Features; i++)
            {
                await file.WriteLineAsync(StoreFixture.Parcel(i));
            }
        }

        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "metrocircle.dll"), "import", path, "--layer", "counties", "--rationale", "kill test", "--store", _store.Store })
        {
            start.ArgumentList.Add(a);
        }

        using var child = Process.Start(start)!;
        var errors = child.StandardError.ReadToEndAsync(ct);
        long written = 0;
        var seen = new StringBuilder();
        while (await child.StandardOutput.ReadLineAsync(ct) is { } line)
        {
            seen.AppendLine(line);
            if (Written().Match(line) is { Success: true } m)
            {
                written = long.Parse(m.Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
                if (written >= Features / 2)
                {
                    child.Kill(entireProcessTree: true);
                    break;
                }
            }
        }

        await child.WaitForExitAsync(ct);
        Assert.True(written >= Features / 2, $"the import ended before it was half-way: {seen}{await errors}");
        Assert.True(written < Features, "the import finished before it could be killed; make the file larger");

        var after = await _store.SnapshotAsync("counties");
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(before.Features, after.Features);
        Assert.Equal(before.Layers.Select(l => (l.Id, l.Kind, l.Geometry)), after.Layers.Select(l => (l.Id, l.Kind, l.Geometry)));
        Assert.Equal("ok", await _store.IntegrityAsync());
    }

    [GeneratedRegex(@"importing counties: ([\d,]+) features written")]
    private static partial Regex Written();

    public void Dispose() => _store.Dispose();
}
