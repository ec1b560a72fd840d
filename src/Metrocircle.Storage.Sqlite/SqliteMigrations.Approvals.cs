namespace Metrocircle.Storage.Sqlite;

internal static partial class SqliteMigrations
{
    /// <summary>Schema of accounts, sessions and cases (issue 5): version 6+.</summary>
    private static (int Version, string Description, string Sql)[] Approvals() => [];
}
