using System.Globalization;
using System.Text.Json.Nodes;
using Metrocircle.Core.Model;

namespace Metrocircle.Core.Ledger;

/// <summary>The accounts of a ledger and the one transaction per kind and period that opens them.</summary>
public sealed record LedgerChart(IReadOnlyList<LedgerAccount> Accounts, IReadOnlyList<LedgerEntry> Openings, bool Synthetic);

/// <summary>
/// Builds the chart of accounts from the ledger settings and the plan's jurisdictions: per kind and period a grant,
/// a pool, a used account and one account per jurisdiction of the opening level, and an opening entry that moves the
/// period's total from the grant to the pool and the jurisdictions (each gets floor(total × (1 − poolShare) × weight ÷
/// total weight), the pool keeps the rest), so the split is deterministic and sums exactly.
/// </summary>
public static class LedgerOpening
{
    public static LedgerChart Build(LedgerSettings settings, IReadOnlyList<PlanFeature> jurisdictions, string actor)
    {
        var weights = jurisdictions
            .Select(f => (f.Id, Weight: f.Properties[settings.Opening.Weight] is JsonValue v && v.TryGetValue<double>(out var w) && w > 0 ? w
                : throw new FormatException($"{LedgerSettings.LayerId}: jurisdiction {f.Id} has no positive \"{settings.Opening.Weight}\" to weigh its opening balance")))
            .OrderBy(j => j.Id, StringComparer.Ordinal)
            .ToList();
        var totalWeight = weights.Sum(j => j.Weight);
        var accounts = new List<LedgerAccount>();
        var openings = new List<LedgerEntry>();
        foreach (var kind in settings.Kinds)
        {
            foreach (var period in settings.Periods)
            {
                var grant = LedgerAccount.For(kind.Id, period.Id, LedgerRole.Grant, null, true);
                var pool = LedgerAccount.For(kind.Id, period.Id, LedgerRole.Pool, null, kind.MayGoNegative);
                accounts.Add(grant);
                accounts.Add(pool);
                accounts.Add(LedgerAccount.For(kind.Id, period.Id, LedgerRole.Used, null, kind.MayGoNegative));
                var total = kind.Totals.GetValueOrDefault(period.Id);
                var postings = new List<LedgerPosting>();
                long allocated = 0;
                foreach (var (id, weight) in weights)
                {
                    var account = LedgerAccount.For(kind.Id, period.Id, LedgerRole.Jurisdiction, id, kind.MayGoNegative);
                    accounts.Add(account);
                    var share = (long)Math.Floor((decimal)total * (decimal)(1 - settings.Opening.PoolShare) * (decimal)(weight / totalWeight));
                    if (share > 0)
                    {
                        postings.Add(new LedgerPosting(account.Id, share));
                        allocated += share;
                    }
                }

                if (total == 0)
                {
                    continue;
                }

                if (total > allocated)
                {
                    postings.Add(new LedgerPosting(pool.Id, total - allocated));
                }

                postings.Add(new LedgerPosting(grant.Id, -total));
                openings.Add(new LedgerEntry(actor, "opening",
                    string.Create(CultureInfo.InvariantCulture, $"opening balances of {kind.Id} for {period.Id}{(settings.Opening.Synthetic ? " (synthetic)" : "")}"),
                    postings, Terms: new JsonObject { ["synthetic"] = settings.Opening.Synthetic, ["total"] = total, ["poolShare"] = settings.Opening.PoolShare }));
            }
        }

        return new LedgerChart(accounts, openings, settings.Opening.Synthetic);
    }
}
