namespace Metrocircle.Storage.Postgres;

internal static partial class PostgresMigrations
{
    /// <summary>
    /// The audit hash scheme of each entry (issue 11): existing entries keep scheme 1 (newline-joined fields), new
    /// ones are written with scheme 2 (length-prefixed fields). After this migration the store re-anchors the log:
    /// it verifies the old chain and records its head in the first scheme-2 entry (<c>audit.reanchored</c>).
    /// </summary>
    private static (int Version, string Description, string Sql)[] AuditChain() =>
    [
        (9, "audit hash scheme per entry (1 before the re-anchoring, 2 after)", """
            ALTER TABLE audit_log ADD COLUMN scheme integer NOT NULL DEFAULT 1;
            COMMENT ON COLUMN audit_log.scheme IS 'how hash was computed: 1 newline-joined fields (entries before the re-anchoring), 2 length-prefixed fields; the first 2 after 1s is an audit.reanchored entry naming the old head';
            """),
    ];
}
