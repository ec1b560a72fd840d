using System.Text.Json.Nodes;
using Metrocircle.Core.Access;
using Metrocircle.Core.Audit;
using Metrocircle.Core.Storage;

namespace Metrocircle.Core.Ledger;

/// <summary>A jurisdiction that holds ledger accounts, with the province and city it lies in (for routing and for who may see it).</summary>
public sealed record LedgerJurisdiction(string Id, string Name, string? ProvinceId, string? ProvinceName, string? CityId)
{
    /// <summary>Whether a reviewer bound to <paramref name="jurisdiction"/> (a province, city or this one) answers for it.</summary>
    public bool IsWithin(string? jurisdiction) => jurisdiction is not null && (jurisdiction == Id || jurisdiction == ProvinceId || jurisdiction == CityId);
}

/// <summary>The ledger settings of a plan version and the jurisdictions its accounts belong to (the opening level's features).</summary>
public sealed record LedgerPlan(string VersionId, LedgerSettings Settings, IReadOnlyDictionary<string, LedgerJurisdiction> Jurisdictions)
{
    /// <summary>Reads the ledger of a plan version; null when the plan has no <c>land-ledger</c> records.</summary>
    public static async Task<LedgerPlan?> LoadAsync(IPlanStore store, string versionId, CancellationToken ct)
    {
        if (LedgerSettings.Read(await AccountRules.RecordsAsync(store, versionId, LedgerSettings.LayerId, ct)) is not { } settings)
        {
            return null;
        }

        var features = await AccountRules.RecordsAsync(store, versionId, settings.Opening.Level, ct);
        string? Text(JsonObject p, string name) => p[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        var jurisdictions = features.ToDictionary(f => f.Id, f => new LedgerJurisdiction(f.Id,
            Text(f.Properties, "nameEn") ?? Text(f.Properties, "name") ?? f.Id, Text(f.Properties, "provinceId"), Text(f.Properties, "province"), Text(f.Properties, "cityId")),
            StringComparer.Ordinal);
        return new LedgerPlan(versionId, settings, jurisdictions);
    }

    /// <summary>Opens the ledger from this plan unless the store has one already (safe to call on every start, from several instances).</summary>
    public async Task<bool> EnsureOpenedAsync(IPlanStore store, ILedgerStore ledger, string actor, CancellationToken ct)
    {
        if ((await ledger.ListLedgerAccountsAsync(ct)).Count > 0)
        {
            return false;
        }

        var features = await AccountRules.RecordsAsync(store, VersionId, Settings.Opening.Level, ct);
        var chart = LedgerOpening.Build(Settings, features, actor);
        return await ledger.OpenLedgerAsync(chart, txs => txs.Select(t => new AuditRecord(actor, "ledger.opened", $"ledger-tx/{t.Seq}", new JsonObject
        {
            ["memo"] = t.Memo,
            ["planVersion"] = VersionId,
            ["synthetic"] = chart.Synthetic,
            ["postings"] = t.Postings.Count,
        }.ToJsonString())), ct);
    }
}
