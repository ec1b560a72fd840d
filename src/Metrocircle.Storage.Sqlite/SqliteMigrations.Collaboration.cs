namespace Metrocircle.Storage.Sqlite;

internal static partial class SqliteMigrations
{
    /// <summary>Schema of collaboration tasks (issue 6): version 5.</summary>
    private static (int Version, string Description, string Sql)[] Collaboration() => [];
}
