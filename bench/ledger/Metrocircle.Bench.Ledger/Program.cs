// Fills an opened land ledger with N synthetic postings through the store's own write path (ILedgerStore.PostAsync:
// account locks, guarded balance updates, posting rows and an audit entry per transaction, each in its own database
// transaction). To keep the run short each transaction carries P postings (default 100): P/2 pairs moving 1 m²
// between distinct jurisdiction accounts of one kind and period, so every transaction balances and no account comes
// near zero. Usage: metrocircle-bench-ledger STORE [POSTINGS=1000000] [PER_TRANSACTION=100]
// STORE is sqlite:PATH or postgresql://…; the ledger must be open already (`metrocircle ledger balances` opens it).
using System.Diagnostics;
using System.Globalization;
using Metrocircle.Core.Audit;
using Metrocircle.Core.Ledger;
using Metrocircle.Core.Storage;
using Metrocircle.Storage.Postgres;
using Metrocircle.Storage.Relational;
using Metrocircle.Storage.Sqlite;

if (args.Length < 1)
{
    Console.Error.WriteLine("usage: metrocircle-bench-ledger sqlite:PATH|postgresql://… [POSTINGS] [PER_TRANSACTION]");
    return 2;
}

var total = args.Length > 1 ? long.Parse(args[1], CultureInfo.InvariantCulture) : 1_000_000;
var per = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 100;
if (per < 2 || per % 2 != 0)
{
    Console.Error.WriteLine("PER_TRANSACTION must be an even number of 2 or more");
    return 2;
}

await using RelationalStore store = args[0].StartsWith("sqlite:", StringComparison.Ordinal) ? new SqlitePlanStore(args[0]["sqlite:".Length..]) : new PostgresPlanStore(args[0]);
ILedgerStore ledger = store;
var groups = (await ledger.ListLedgerAccountsAsync(CancellationToken.None)).Where(a => a.Role == LedgerRole.Jurisdiction)
    .GroupBy(a => (a.Kind, a.Period)).Select(g => g.Select(a => a.Id).ToArray()).Where(g => g.Length >= per).ToArray();
if (groups.Length == 0)
{
    Console.Error.WriteLine($"no kind and period has {per} jurisdiction accounts; open the ledger first (metrocircle ledger balances) or lower PER_TRANSACTION");
    return 1;
}

var random = new Random(20261203);
var watch = Stopwatch.StartNew();
long written = 0, transactions = 0;
var lastReport = 0L;
while (written < total)
{
    var group = groups[transactions % groups.Length];
    var picked = group.OrderBy(_ => random.Next()).Take(per).ToArray();
    var postings = new List<LedgerPosting>(per);
    for (var i = 0; i < per; i += 2)
    {
        postings.Add(new LedgerPosting(picked[i], -1));
        postings.Add(new LedgerPosting(picked[i + 1], 1));
    }

    var entry = new LedgerEntry("bench", "bench", "synthetic benchmark movement (bench/ledger), not a real transfer", postings);
    await ledger.PostAsync(entry, t => [new AuditRecord("bench", "ledger.bench", $"ledger-tx/{t.Seq}", "{\"synthetic\":true}")], CancellationToken.None);
    written += per;
    transactions++;
    if (written - lastReport >= 100_000)
    {
        lastReport = written;
        Console.WriteLine($"  {written:N0} postings in {transactions:N0} transactions, {watch.Elapsed.TotalSeconds:F0} s");
    }
}

Console.WriteLine($"generated: {written:N0} postings in {transactions:N0} transactions of {per} in {watch.Elapsed.TotalSeconds:F1} s ({written / watch.Elapsed.TotalSeconds:F0} postings/s)");
return 0;
