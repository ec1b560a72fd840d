using System.Diagnostics;

namespace Metrocircle.Web.Features.Indicators;

/// <summary>Headless Chromium is not installed, or failed to print; the message says which and what to do.</summary>
public sealed class PdfPrintException(string message) : Exception(message);

/// <summary>
/// Prints an HTML file to PDF with headless Chromium, so the PDF is the HTML report exactly as a browser shows it.
/// Each run gets a fresh profile folder: a shared one would be locked by a concurrent print.
/// </summary>
public static class ChromiumPdf
{
    private static readonly string[] Names = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];

    public static string? Locate()
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin").Split(Path.PathSeparator);
        return Names.SelectMany(n => path.Select(dir => Path.Combine(dir, n))).FirstOrDefault(File.Exists);
    }

    public static async Task PrintAsync(string htmlPath, string pdfPath, CancellationToken ct)
    {
        var chromium = Locate() ?? throw new PdfPrintException(
            "printing the PDF needs Chromium, which is not installed (Debian: apt-get install chromium); the HTML report was written");
        var profile = Path.Combine(Path.GetTempPath(), "mc-chromium-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(profile);
        var target = Path.GetFullPath(pdfPath);
        try
        {
            var start = new ProcessStartInfo(chromium)
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            foreach (var arg in new[]
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--no-pdf-header-footer", $"--user-data-dir={profile}", $"--print-to-pdf={target}",
                new Uri(Path.GetFullPath(htmlPath)).AbsoluteUri,
            })
            {
                start.ArgumentList.Add(arg);
            }

            using var process = Process.Start(start) ?? throw new PdfPrintException($"{chromium} did not start");
            var stderr = process.StandardError.ReadToEndAsync(ct);
            _ = process.StandardOutput.ReadToEndAsync(ct);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromMinutes(2));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                if (ct.IsCancellationRequested)
                {
                    throw;
                }

                throw new PdfPrintException($"{chromium} did not finish printing {pdfPath} within 2 minutes");
            }

            if (process.ExitCode != 0 || !File.Exists(target) || new FileInfo(target).Length == 0)
            {
                var tail = string.Join(Environment.NewLine, (await stderr).Split('\n').TakeLast(5));
                throw new PdfPrintException($"{chromium} failed to print {pdfPath} (exit {process.ExitCode}): {tail}");
            }
        }
        finally
        {
            try
            {
                Directory.Delete(profile, recursive: true);
            }
            catch (IOException)
            {
                // Chromium's helpers may still hold a file for a moment; a leftover temp profile is harmless.
            }
        }
    }
}
