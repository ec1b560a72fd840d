namespace Metrocircle.Storage.Postgres;

internal static partial class PostgresMigrations
{
    /// <summary>
    /// Schema of the land ledger (issue 13): accounts with their balance and held amount kept on write, transactions
    /// and their postings (never updated), and holds.
    /// </summary>
    private static (int Version, string Description, string Sql)[] Ledger() =>
    [
        (11, "land ledger: accounts with balances, transactions, postings, holds", """
            CREATE TABLE ledger_account (
              id text PRIMARY KEY,
              kind text NOT NULL,
              period text NOT NULL,
              role text NOT NULL,
              jurisdiction text,
              may_go_negative boolean NOT NULL,
              balance bigint NOT NULL,
              held bigint NOT NULL);
            CREATE INDEX ledger_account_jurisdiction ON ledger_account (jurisdiction, kind, period);
            CREATE TABLE ledger_transaction (
              seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
              at timestamptz NOT NULL,
              actor text NOT NULL,
              type text NOT NULL,
              memo text NOT NULL,
              case_id text,
              reverses bigint UNIQUE REFERENCES ledger_transaction(seq),
              terms json);
            CREATE INDEX ledger_transaction_at ON ledger_transaction (at);
            CREATE TABLE ledger_posting (
              tx_seq bigint NOT NULL REFERENCES ledger_transaction(seq),
              n integer NOT NULL,
              account_id text NOT NULL REFERENCES ledger_account(id),
              amount bigint NOT NULL,
              PRIMARY KEY (tx_seq, n));
            CREATE INDEX ledger_posting_account ON ledger_posting (account_id, tx_seq);
            CREATE TABLE ledger_hold (
              id text PRIMARY KEY,
              account_id text NOT NULL REFERENCES ledger_account(id),
              case_id text NOT NULL,
              amount bigint NOT NULL,
              status text NOT NULL,
              at timestamptz NOT NULL,
              closed_at timestamptz,
              note text);
            CREATE INDEX ledger_hold_case ON ledger_hold (case_id);
            CREATE INDEX ledger_hold_open ON ledger_hold (status, account_id);
            COMMENT ON TABLE ledger_posting IS 'append-only: a mistake is undone by a reversing transaction, never by an update (metrocircle ledger verify)';
            COMMENT ON COLUMN ledger_account.balance IS 'sum of the account''s postings, kept on write; amounts are whole square metres';
            """),
    ];
}
