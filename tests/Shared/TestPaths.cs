using System.Reflection;

namespace Metrocircle.Testing;

/// <summary>Where the repository's files are, also when the tests are built into an artifacts folder elsewhere.</summary>
internal static class TestPaths
{
    public static string RepoRoot { get; } = typeof(TestPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .FirstOrDefault(a => a.Key == "RepoRoot")?.Value ?? throw new InvalidOperationException("the test assembly lacks RepoRoot metadata");

    public static string Dataset(string id = "capital-circle") => Path.Combine(RepoRoot, "data", id);
}
