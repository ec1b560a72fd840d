using System.Diagnostics;

namespace Metrocircle.Testing;

/// <summary>
/// GDAL's programs, which some tests use as the independent reference. Without them on a developer machine the test
/// is skipped with the install command; under CI (CI=true) a missing program fails the test, so that CI never passes
/// by skipping (the same rule as the web tests' Requirements).
/// </summary>
internal static class Programs
{
    public static string Require(string name, string debianPackage = "gdal-bin")
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin").Split(':'))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        var message = $"{name} is not installed (Debian package {debianPackage}; `.ci/run` installs it)";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail(message);
        }

        Assert.Skip(message);
        return name;
    }

    /// <summary>Runs a program with optional standard input; stdout, then stderr.</summary>
    public static async Task<(int Exit, string Output, string Error)> RunAsync(string program, string? input, params string[] args)
    {
        var ct = TestContext.Current.CancellationToken;
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input.AsMemory(), ct);
        }

        process.StandardInput.Close();
        await process.WaitForExitAsync(ct);
        return (process.ExitCode, await stdout, await stderr);
    }
}
