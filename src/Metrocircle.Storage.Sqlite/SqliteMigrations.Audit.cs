namespace Metrocircle.Storage.Sqlite;

internal static partial class SqliteMigrations
{
    /// <summary>
    /// The audit hash scheme of each entry (issue 11): existing entries keep scheme 1 (newline-joined fields), new
    /// ones are written with scheme 2 (length-prefixed fields). After this migration the store re-anchors the log:
    /// it verifies the old chain and records its head in the first scheme-2 entry (<c>audit.reanchored</c>).
    /// </summary>
    private static (int Version, string Description, string Sql)[] AuditChain() =>
    [
        (9, "audit hash scheme per entry (1 before the re-anchoring, 2 after)", """
            ALTER TABLE audit_log ADD COLUMN scheme INTEGER NOT NULL DEFAULT 1;
            """),
    ];
}
