using CsCheck;
using Metrocircle.Core.Ledger;
using Metrocircle.Core.Storage;

namespace Metrocircle.Storage.Tests;

/// <summary>One random step: what to do, with numbers that pick its accounts, amount and target at run time.</summary>
public sealed record LedgerStep(int Type, int From, int To, int Kind, long Amount, int Pick)
{
    public override string ToString() => $"{"transfer hold release settle reverse".Split(' ')[Type]}({From}->{To}, k{Kind}, {Amount}, #{Pick})";
}

public abstract partial class LedgerStoreContract
{
    /// <summary>How many random sequences, and how long each may be (PostGIS runs fewer: each needs a database).</summary>
    protected virtual (int Sequences, int MaxSteps) PropertySize => (40, 40);

    private static readonly Gen<LedgerStep> Step = Gen.Select(Gen.Int[0, 4], Gen.Int[0, 3], Gen.Int[0, 3], Gen.Int[0, 1],
        Gen.Frequency((3, Gen.Long[1, 50_000]), (1, Gen.Long[1, 600_000])), Gen.Int[0, 1_000],
        (type, from, to, kind, amount, pick) => new LedgerStep(type, from, to, kind, amount, pick));

    /// <summary>
    /// Random sequences of transfers, holds, releases, settlements and reversals, run against the store and against a
    /// model of the balances in memory. After each step: the store agrees with the model about whether the step was
    /// allowed, a refused step wrote nothing, the balances equal the model's, and the verifier finds every transaction
    /// summing to zero, no forbidden negative balance, balances equal to their postings and every kind conserved.
    /// </summary>
    [Fact]
    public async Task random_sequences_of_ledger_writes_keep_every_invariant()
    {
        var (sequences, maxSteps) = PropertySize;
        await Step.Array[1, maxSteps].SampleAsync(async steps =>
        {
            await using var store = await OpenedAsync();
            await RunAsync((ILedgerStore)store, steps);
        }, iter: sequences, threads: 1, print: steps => string.Join(", ", steps));
    }

    private static async Task RunAsync(ILedgerStore ledger, LedgerStep[] steps)
    {
        var chart = Chart();
        var accounts = chart.Accounts.ToDictionary(a => a.Id);
        var balance = accounts.Keys.ToDictionary(id => id, _ => 0L);
        var held = accounts.Keys.ToDictionary(id => id, _ => 0L);
        var txs = new List<LedgerTransaction>(await ledger.ListTransactionsAsync(null, 0, 100, Ct));
        foreach (var p in txs.SelectMany(t => t.Postings))
        {
            balance[p.Account] += p.Amount;
        }

        var reversed = new HashSet<long>();
        var holds = new List<(string Id, string Account, long Amount, bool Open)>();
        string[] owners = [A, B, C, "@pool"];
        string[] kinds = [Quota, Debt];
        bool Spendable(string account, long debit) => accounts[account].MayGoNegative || balance[account] - held[account] - debit >= 0;

        foreach (var (step, n) in steps.Select((s, n) => (s, n)))
        {
            var kind = kinds[step.Kind];
            Exception? refused = null;
            Action apply = () => { };
            try
            {
                switch (step.Type)
                {
                    case 0:
                    {
                        var (from, to) = (Acct(kind, owners[step.From]), Acct(kind, owners[step.To]));
                        var tx = await ledger.PostAsync(Transfer(owners[step.From], owners[step.To], step.Amount, kind), Posted, Ct);
                        apply = () => Post(tx);
                        break;
                    }

                    case 1:
                    {
                        var account = Acct(kind, owners[step.From % 3]);
                        var id = "h" + n;
                        await ledger.PlaceHoldsAsync([new HoldRequest(id, account, "case-" + n, step.Amount)], [], Ct);
                        apply = () =>
                        {
                            holds.Add((id, account, step.Amount, true));
                            held[account] += step.Amount;
                        };
                        break;
                    }

                    case 2 when holds.Count > 0:
                    {
                        var i = step.Pick % holds.Count;
                        var hold = holds[i];
                        var released = await ledger.ReleaseHoldsAsync([hold.Id], _ => [], Ct);
                        Assert.Equal(hold.Open ? 1 : 0, released.Count);
                        apply = () => Close(i);
                        break;
                    }

                    case 3 when holds.Count > 0:
                    {
                        var i = step.Pick % holds.Count;
                        var hold = holds[i];
                        var used = LedgerAccount.IdOf(accounts[hold.Account].Kind, Period, "@used");
                        var tx = await ledger.PostAsync(new LedgerEntry("tester", "consumption", "settle", [new(hold.Account, -hold.Amount), new(used, hold.Amount)],
                            "case", SettlesHolds: [hold.Id]), Posted, Ct);
                        apply = () =>
                        {
                            Close(i);
                            Post(tx);
                        };
                        break;
                    }

                    case 4:
                    {
                        var original = txs[step.Pick % txs.Count];
                        var tx = await ledger.PostAsync(LedgerRules.Reversal(original, "tester", "undo"), Posted, Ct);
                        apply = () =>
                        {
                            reversed.Add(original.Seq);
                            Post(tx);
                        };
                        break;
                    }

                    default:
                        continue;
                }
            }
            catch (Exception e) when (e is LedgerOverdrawnException or LedgerRuleException)
            {
                refused = e;
            }

            Assert.True(refused is null == Predicted(step), $"step {n + 1} ({step}): the store {(refused is null ? "allowed it" : "refused it: " + refused.Message)}, the model did not");
            if (refused is null)
            {
                apply();
            }

            var stored = await ledger.GetBalancesAsync(new LedgerQuery(), Ct);
            foreach (var b in stored)
            {
                Assert.True((balance[b.Account.Id], held[b.Account.Id]) == (b.Balance, b.Held),
                    $"after step {n + 1} ({step}): {b.Account.Id} is {b.Balance}/{b.Held} held, the model says {balance[b.Account.Id]}/{held[b.Account.Id]}");
            }

            Assert.Equal(txs.Count, (await ledger.ListTransactionsAsync(null, 0, 10_000, Ct)).Count);
            var verified = await LedgerVerifier.VerifyAsync(ledger, Ct);
            Assert.True(verified.FirstBreak is null, $"after step {n + 1} ({step}): {verified.FirstBreak}");
            continue;

            // What the model says of the step: the model's state is only changed by apply(), after this is asked.
            bool Predicted(LedgerStep s) => s.Type switch
            {
                0 => Acct(kinds[s.Kind], owners[s.From]) != Acct(kinds[s.Kind], owners[s.To]) && Spendable(Acct(kinds[s.Kind], owners[s.From]), s.Amount),
                1 => Spendable(Acct(kinds[s.Kind], owners[s.From % 3]), s.Amount),
                2 => true,
                3 => holds[s.Pick % holds.Count].Open,
                _ => !reversed.Contains(txs[s.Pick % txs.Count].Seq)
                     && txs[s.Pick % txs.Count].Postings.All(p => p.Amount <= 0 || Spendable(p.Account, p.Amount)),
            };
        }

        void Post(LedgerTransaction tx)
        {
            txs.Add(tx);
            foreach (var p in tx.Postings)
            {
                balance[p.Account] += p.Amount;
            }
        }

        void Close(int i)
        {
            if (holds[i].Open)
            {
                held[holds[i].Account] -= holds[i].Amount;
                holds[i] = holds[i] with { Open = false };
            }
        }
    }
}
