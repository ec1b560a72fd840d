using System.Text.Json.Nodes;
using Metrocircle.Core.Amendments;
using Metrocircle.Core.Audit;
using Metrocircle.Core.Conflicts;
using Metrocircle.Core.Model;
using Metrocircle.Storage.Sqlite;

namespace Metrocircle.Tests.Cli;

/// <summary>Issue 14: a patch accepted by the office reads accepted with its reason; one an amendment removes reads resolved by it; the others keep their ids.</summary>
public sealed class ConflictStatusVerbTests(SeededStore seeded) : IClassFixture<SeededStore>
{
    private StoreFixture S => seeded.Files;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<List<JsonObject>> ConflictsAsync()
    {
        var (code, output, error) = await S.RunAsync("conflicts", "--json", "--store", S.Store);
        Assert.True(code == 0, error);
        return [.. JsonNode.Parse(output)!["conflicts"]!.AsArray().Select(c => c!.AsObject())];
    }

    private static string P(JsonObject patch, string name) => (string)patch["properties"]![name]!;

    [Fact]
    public async Task an_accepted_patch_reads_accepted_and_one_an_amendment_removes_reads_resolved_by_it_while_the_rest_keep_their_ids()
    {
        var before = await ConflictsAsync();
        Assert.True(before.Count >= 3, $"the default dataset has {before.Count} patches; the test needs three");
        Assert.All(before, p => Assert.Equal("open", P(p, "status")));
        var removed = before[0];
        var (layer, feature) = (P(removed, "layerA"), P(removed, "featureA"));
        var gone = before.Where(p => (P(p, "layerA") == layer && P(p, "featureA") == feature) || (P(p, "layerB") == layer && P(p, "featureB") == feature))
            .Select(p => (string)p["id"]!).ToHashSet();
        var kept = before.First(p => !gone.Contains((string)p["id"]!));

        await using (var store = new SqlitePlanStore(S.StorePath))
        {
            await store.AcceptConflictAsync(new ConflictAcceptance((string)kept["id"]!, P(kept, "rule"), "kept until the 2030 revision", "t-office", DateTimeOffset.UtcNow, "v"),
                a => [new AuditRecord("t-office", "conflict.accepted", a.PatchId, "{}")], Ct);
            var current = (await store.GetCurrentVersionAsync(Ct))!;
            await store.ApplyChangesAsync(new ChangeSetPublish(current.PlanId, current.Sequence, "amendment am-test: retire one feature", current.EffectiveFrom,
                VersionSource.Amendment, "am-test", "test", [new FeatureChange(ChangeOp.Retire, layer, feature, null)], _ => []), Ct);
        }

        var after = (await ConflictsAsync()).ToDictionary(p => (string)p["id"]!);

        Assert.All(gone, id => Assert.Equal(("resolved", "am-test"), (P(after[id], "status"), P(after[id], "amendmentId"))));
        Assert.Equal(("accepted", "kept until the 2030 revision"), (P(after[(string)kept["id"]!], "status"), P(after[(string)kept["id"]!], "reason")));
        Assert.Equal(before.Select(p => (string)p["id"]!).Order(), after.Keys.Order());
        Assert.All(after.Values.Where(p => !gone.Contains((string)p["id"]!) && (string)p["id"]! != (string)kept["id"]!), p => Assert.Equal("open", P(p, "status")));
    }
}
