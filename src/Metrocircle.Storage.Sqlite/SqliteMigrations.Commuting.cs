namespace Metrocircle.Storage.Sqlite;

internal static partial class SqliteMigrations
{
    /// <summary>Commuting flows between counties (issue 14 item 3): the OD matrix of the spatial-mismatch analysis.</summary>
    private static (int Version, string Description, string Sql)[] Commuting() =>
    [
        (12, "commuting flows: trips per (origin, destination, year, mode) with source and importer", """
            CREATE TABLE commute_flow (
              origin TEXT NOT NULL,
              destination TEXT NOT NULL,
              year INTEGER NOT NULL,
              mode TEXT NOT NULL,
              trips REAL NOT NULL CHECK (trips >= 0),
              source TEXT NOT NULL,
              imported_at TEXT NOT NULL,
              imported_by TEXT,
              PRIMARY KEY (origin, destination, year, mode));
            CREATE INDEX commute_flow_year ON commute_flow (year);
            """),
    ];
}
