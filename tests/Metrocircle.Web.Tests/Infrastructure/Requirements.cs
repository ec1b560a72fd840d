namespace Metrocircle.Web.Tests.Infrastructure;

/// <summary>
/// External programs some tests need. On a developer machine without them the test is skipped with the install
/// command; under CI (CI=true) a missing program fails the test, so that CI never passes by skipping.
/// </summary>
internal static class Requirements
{
    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static string Program(string name, string debianPackage)
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
        if (InCi)
        {
            Assert.Fail(message);
        }

        Assert.Skip(message);
        return name;
    }
}
