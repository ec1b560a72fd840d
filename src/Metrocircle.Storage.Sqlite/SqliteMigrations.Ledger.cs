namespace Metrocircle.Storage.Sqlite;

internal static partial class SqliteMigrations
{
    /// <summary>
    /// Schema of the land ledger (issue 13): accounts with their balance and held amount kept on write, transactions
    /// and their postings (never updated), and holds.
    /// </summary>
    private static (int Version, string Description, string Sql)[] Ledger() =>
    [
        (11, "land ledger: accounts with balances, transactions, postings, holds", """
            CREATE TABLE ledger_account (
              id TEXT PRIMARY KEY,
              kind TEXT NOT NULL,
              period TEXT NOT NULL,
              role TEXT NOT NULL,
              jurisdiction TEXT,
              may_go_negative INTEGER NOT NULL,
              balance INTEGER NOT NULL,
              held INTEGER NOT NULL);
            CREATE INDEX ledger_account_jurisdiction ON ledger_account (jurisdiction, kind, period);
            CREATE TABLE ledger_transaction (
              seq INTEGER PRIMARY KEY,
              at TEXT NOT NULL,
              actor TEXT NOT NULL,
              type TEXT NOT NULL,
              memo TEXT NOT NULL,
              case_id TEXT,
              reverses INTEGER UNIQUE REFERENCES ledger_transaction(seq),
              terms TEXT);
            CREATE INDEX ledger_transaction_at ON ledger_transaction (at);
            CREATE TABLE ledger_posting (
              tx_seq INTEGER NOT NULL REFERENCES ledger_transaction(seq),
              n INTEGER NOT NULL,
              account_id TEXT NOT NULL REFERENCES ledger_account(id),
              amount INTEGER NOT NULL,
              PRIMARY KEY (tx_seq, n));
            CREATE INDEX ledger_posting_account ON ledger_posting (account_id, tx_seq);
            CREATE TABLE ledger_hold (
              id TEXT PRIMARY KEY,
              account_id TEXT NOT NULL REFERENCES ledger_account(id),
              case_id TEXT NOT NULL,
              amount INTEGER NOT NULL,
              status TEXT NOT NULL,
              at TEXT NOT NULL,
              closed_at TEXT,
              note TEXT);
            CREATE INDEX ledger_hold_case ON ledger_hold (case_id);
            CREATE INDEX ledger_hold_open ON ledger_hold (status, account_id);
            """),
    ];
}
