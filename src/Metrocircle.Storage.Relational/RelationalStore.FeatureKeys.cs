using System.Globalization;
using Metrocircle.Core.Model;
using Metrocircle.Core.Storage;

namespace Metrocircle.Storage.Relational;

/// <summary>Feature pages read as row keys first (the engine's), and features read by key (the same SQL on both engines).</summary>
public abstract partial class RelationalStore : IFeatureKeyReader
{
    public abstract Task<FeatureKeyPage> GetFeatureKeysAsync(FeatureQuery query, CancellationToken ct);

    /// <summary>As <see cref="Page"/>, for keys only.</summary>
    protected static FeatureKeyPage KeyPage(IReadOnlyList<long> keys, bool more, long counted, int cap) =>
        new(keys, counted > cap ? null : counted, more && keys.Count > 0 ? keys[^1] : null);

    public Task<IReadOnlyList<(long Key, PlanFeature Feature)>> GetFeaturesByKeyAsync(IReadOnlyList<long> keys, CancellationToken ct) =>
        keys.Count == 0 ? Task.FromResult<IReadOnlyList<(long, PlanFeature)>>([]) : ReadAsync($"{keys.Count} features by key", async connection =>
        {
            // Keys are numbers, written into the statement rather than bound one parameter each.
            await using var command = Command(connection, null,
                $"SELECT {FeatureColumns} FROM feature f WHERE f.fid IN ({string.Join(',', keys.Select(k => k.ToString(CultureInfo.InvariantCulture)))}) ORDER BY f.fid");
            var row = FeatureRow();
            return (IReadOnlyList<(long, PlanFeature)>)await ListAsync(command, r => (r.GetInt64(0), row(r)), ct);
        }, ct);
}
