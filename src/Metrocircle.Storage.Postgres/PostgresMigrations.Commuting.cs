namespace Metrocircle.Storage.Postgres;

internal static partial class PostgresMigrations
{
    /// <summary>Commuting flows between counties (issue 14 item 3): the OD matrix of the spatial-mismatch analysis.</summary>
    private static (int Version, string Description, string Sql)[] Commuting() =>
    [
        (12, "commuting flows: trips per (origin, destination, year, mode) with source and importer", """
            CREATE TABLE commute_flow (
              origin text NOT NULL,
              destination text NOT NULL,
              year integer NOT NULL,
              mode text NOT NULL,
              trips double precision NOT NULL CHECK (trips >= 0),
              source text NOT NULL,
              imported_at timestamptz NOT NULL,
              imported_by text,
              PRIMARY KEY (origin, destination, year, mode));
            CREATE INDEX commute_flow_year ON commute_flow (year);
            COMMENT ON TABLE commute_flow IS 'commuting trips from the county of residence (origin) to the county of work (destination) per year and mode';
            """),
    ];
}
