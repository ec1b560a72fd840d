using System.Data.Common;
using Metrocircle.Core.Amendments;
using Metrocircle.Core.Model;
using Metrocircle.Core.Storage;

namespace Metrocircle.Storage.Relational;

/// <summary>
/// The plan's history: versions with what produced them, the version in force on a day, a feature's history, and
/// change sets (an amendment's features added, changed or retired on top of the newest version). Valid time only
/// moves forward: a new version never takes effect before the newest one, so the sequence orders both times and
/// "in force on a day" is the newest version whose effective date has come.
/// </summary>
public abstract partial class RelationalStore
{
    private const string VersionColumns = "id, plan_id, seq, label, effective_from, published_at, source, amendment_id, rationale";

    private PlanVersion ReadVersion(DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetInt32(2), r.GetString(3), Dialect.ReadDay(r, 4), Dialect.ReadInstant(r, 5));

    public Task<IReadOnlyList<VersionRecord>> GetVersionsAsync(string planId, CancellationToken ct) => ReadAsync($"the versions of {planId}", async connection =>
    {
        await using var command = Command(connection, null, $"SELECT {VersionColumns} FROM plan_version WHERE plan_id = @p ORDER BY seq DESC", ("p", planId));
        var rows = await ListAsync(command, r => (Version: ReadVersion(r), Source: r.GetString(6), Amendment: r.IsDBNull(7) ? null : r.GetString(7),
            Rationale: r.IsDBNull(8) ? null : r.GetString(8)), ct);
        var result = new List<VersionRecord>(rows.Count);
        foreach (var row in rows)
        {
            result.Add(new VersionRecord(row.Version, row.Source, row.Amendment, row.Rationale, await ChangeCountsAsync(connection, row.Version, ct)));
        }

        return (IReadOnlyList<VersionRecord>)result;
    }, ct);

    public Task<VersionRecord?> GetVersionRecordAsync(string versionId, CancellationToken ct) => ReadAsync($"version {versionId}", async connection =>
    {
        await using var command = Command(connection, null, $"SELECT {VersionColumns} FROM plan_version WHERE id = @id", ("id", versionId));
        var rows = await ListAsync(command, r => (Version: ReadVersion(r), Source: r.GetString(6), Amendment: r.IsDBNull(7) ? null : r.GetString(7),
            Rationale: r.IsDBNull(8) ? null : r.GetString(8)), ct);
        return rows.Count == 0 ? null
            : new VersionRecord(rows[0].Version, rows[0].Source, rows[0].Amendment, rows[0].Rationale, await ChangeCountsAsync(connection, rows[0].Version, ct));
    }, ct);

    public Task<PlanVersion?> GetVersionInForceAsync(DateOnly day, CancellationToken ct) => ReadAsync($"the version in force on {day:yyyy-MM-dd}", async connection =>
    {
        await using var command = Command(connection, null,
            $"SELECT {VersionColumns} FROM plan_version WHERE effective_from <= @d ORDER BY seq DESC LIMIT 1", ("d", Dialect.Day(day)));
        return (await ListAsync(command, ReadVersion, ct)).FirstOrDefault();
    }, ct);

    /// <summary>
    /// Per layer, the rows a version opened and closed: an id both closed and opened was changed, one only opened was
    /// added, one only closed was retired. The join starts from the closed rows (an index of its own), so a version
    /// that only added a million parcels costs two counts. Each closed row then finds its successor by the unique key
    /// (plan, layer, feature id): <c>from_seq + 0</c> keeps the version number out of the index condition, because
    /// right after an import PostgreSQL's statistics do not know the new sequence number yet, estimate one row on
    /// each side, and would otherwise probe <c>feature_layer</c> by (plan, layer, from_seq) and filter by id: for a
    /// replaced 20,000-feature layer 20,000 × 20,000 rows, minutes, so <c>versions</c> and GET /versions timed out
    /// (issue 11, the kill9 publish step).
    /// </summary>
    private async Task<IReadOnlyList<LayerChangeCount>> ChangeCountsAsync(DbConnection connection, PlanVersion version, CancellationToken ct)
    {
        async Task<Dictionary<string, int>> CountAsync(string sql)
        {
            await using var command = Command(connection, null, sql, ("p", version.PlanId), ("s", version.Sequence));
            return (await ListAsync(command, r => (r.GetString(0), (int)r.GetInt64(1)), ct)).ToDictionary(x => x.Item1, x => x.Item2, StringComparer.Ordinal);
        }

        var opened = await CountAsync("SELECT layer_id, count(*) FROM feature WHERE plan_id = @p AND from_seq = @s GROUP BY layer_id");
        var closed = await CountAsync("SELECT layer_id, count(*) FROM feature WHERE plan_id = @p AND to_seq = @s GROUP BY layer_id");
        var both = await CountAsync("""
            SELECT c.layer_id, count(*) FROM feature c
            JOIN feature o ON o.plan_id = c.plan_id AND o.layer_id = c.layer_id AND o.feature_id = c.feature_id AND o.from_seq + 0 = @s
            WHERE c.plan_id = @p AND c.to_seq = @s GROUP BY c.layer_id
            """);
        return [.. opened.Keys.Union(closed.Keys).Order(StringComparer.Ordinal).Select(layer =>
        {
            var changed = both.GetValueOrDefault(layer);
            return new LayerChangeCount(layer, opened.GetValueOrDefault(layer) - changed, changed, closed.GetValueOrDefault(layer) - changed);
        })];
    }

    public Task<IReadOnlyList<FeatureHistoryEntry>> GetFeatureHistoryAsync(string planId, string layerId, string featureId, CancellationToken ct) =>
        ReadAsync($"the history of {layerId}/{featureId}", async connection =>
        {
            const string where = "f.plan_id = @p AND f.layer_id = @l AND f.feature_id = @fid ORDER BY f.from_seq";
            (string, object?)[] args = [("p", planId), ("l", layerId), ("fid", featureId)];
            List<(int From, int? To)> spans;
            await using (var command = Command(connection, null, $"SELECT f.from_seq, f.to_seq FROM feature f WHERE {where}", args))
            {
                spans = await ListAsync(command, r => (r.GetInt32(0), r.IsDBNull(1) ? (int?)null : r.GetInt32(1)), ct);
            }

            if (spans.Count == 0)
            {
                return (IReadOnlyList<FeatureHistoryEntry>)[];
            }

            List<PlanFeature> rows;
            await using (var command = Command(connection, null, $"SELECT {FeatureColumns} FROM feature f WHERE {where}", args))
            {
                rows = await ListAsync(command, FeatureRow(), ct);
            }

            Dictionary<int, PlanVersion> versions;
            await using (var command = Command(connection, null, $"SELECT {VersionColumns} FROM plan_version WHERE plan_id = @p", ("p", planId)))
            {
                versions = (await ListAsync(command, ReadVersion, ct)).ToDictionary(v => v.Sequence);
            }

            var closedAt = spans.Where(s => s.To is not null).Select(s => s.To!.Value).ToHashSet();
            var openedAt = spans.Select(s => s.From).ToHashSet();
            var history = new List<FeatureHistoryEntry>();
            for (var i = 0; i < spans.Count; i++)
            {
                history.Add(new FeatureHistoryEntry(versions[spans[i].From], closedAt.Contains(spans[i].From) ? "changed" : "added", rows[i]));
                if (spans[i].To is { } to && !openedAt.Contains(to))
                {
                    history.Add(new FeatureHistoryEntry(versions[to], "retired", null));
                }
            }

            return history;
        }, ct);

    public Task<PlanVersion> ApplyChangesAsync(ChangeSetPublish publish, CancellationToken ct) =>
        WriteAsync($"publishing the change set of {publish.AmendmentId ?? publish.Label}", (connection, tx) => ApplyChangesInAsync(connection, tx, publish, ct), publish.Audit, ct);

    /// <summary>The change set's version inside the caller's transaction (the audit entries are the caller's to append).</summary>
    private async Task<PlanVersion> ApplyChangesInAsync(DbConnection connection, DbTransaction tx, ChangeSetPublish publish, CancellationToken ct)
    {
        await using (var lockPlan = Command(connection, tx, $"SELECT id FROM plan WHERE id = @p{Dialect.ForUpdate}", ("p", publish.PlanId)))
        {
            await lockPlan.ExecuteScalarAsync(ct);
        }

        PlanVersion newest;
        await using (var command = Command(connection, tx, $"SELECT {VersionColumns} FROM plan_version WHERE plan_id = @p ORDER BY seq DESC LIMIT 1", ("p", publish.PlanId)))
        {
            newest = (await ListAsync(command, ReadVersion, ct)).FirstOrDefault()
                ?? throw new StoreException($"plan {publish.PlanId} has no version yet; seed it before amending it");
        }

        if (publish.EffectiveFrom < newest.EffectiveFrom)
        {
            throw new ChangeSetConflictException(
                $"the change set takes effect on {publish.EffectiveFrom:yyyy-MM-dd}, before the newest version {newest.Id} ({newest.EffectiveFrom:yyyy-MM-dd}); versions take effect in the order they are published",
                []);
        }

        var moved = new List<string>();
        var problems = new List<string>();
        foreach (var change in publish.Changes)
        {
            var key = $"{change.LayerId}/{change.FeatureId}";
            await using var layer = Command(connection, tx, "SELECT count(*) FROM layer WHERE plan_id = @p AND id = @l AND to_seq IS NULL",
                ("p", publish.PlanId), ("l", change.LayerId));
            if (Number(await layer.ExecuteScalarAsync(ct)) == 0)
            {
                problems.Add($"{key}: the plan has no layer {change.LayerId}");
                moved.Add(key);
                continue;
            }

            await using var rows = Command(connection, tx,
                "SELECT from_seq, to_seq FROM feature WHERE plan_id = @p AND layer_id = @l AND feature_id = @f ORDER BY from_seq DESC LIMIT 1",
                ("p", publish.PlanId), ("l", change.LayerId), ("f", change.FeatureId));
            var last = (await ListAsync(rows, r => (From: r.GetInt32(0), To: r.IsDBNull(1) ? (int?)null : r.GetInt32(1)), ct)).Cast<(int From, int? To)?>().FirstOrDefault();
            var visible = last is { To: null };
            string? problem = change.Op switch
            {
                ChangeOp.Add when visible => $"{key} exists already (since version {last!.Value.From}); change it instead of adding it",
                ChangeOp.Add when last is { } l && l.To > publish.BaseSequence => $"{key} was retired in version {l.To} after the base; its id cannot be reused here",
                ChangeOp.Add => null,
                _ when last is null => $"{key} does not exist",
                _ when !visible => $"{key} was retired in version {last!.Value.To}" + (last.Value.To > publish.BaseSequence ? ", after the base" : ""),
                _ when last!.Value.From > publish.BaseSequence => $"{key} changed in version {last.Value.From}, after the base {publish.BaseSequence}",
                _ => null,
            };
            if (problem is not null)
            {
                problems.Add(problem);
                moved.Add(key);
            }
        }

        if (problems.Count > 0)
        {
            throw new ChangeSetConflictException("the change set no longer applies to the newest version: " + string.Join("; ", problems), moved);
        }

        var version = new PlanVersion($"{publish.PlanId}@{newest.Sequence + 1}", publish.PlanId, newest.Sequence + 1, publish.Label, publish.EffectiveFrom, DateTimeOffset.UtcNow);
        await InsertVersionRowAsync(connection, tx, version, publish.Source, publish.AmendmentId, publish.Rationale, ct);
        foreach (var change in publish.Changes.Where(c => c.Op != ChangeOp.Add))
        {
            await using var close = Command(connection, tx,
                "UPDATE feature SET to_seq = @s WHERE plan_id = @p AND layer_id = @l AND feature_id = @f AND to_seq IS NULL",
                ("s", version.Sequence), ("p", publish.PlanId), ("l", change.LayerId), ("f", change.FeatureId));
            await close.ExecuteNonQueryAsync(ct);
        }

        var added = publish.Changes.Where(c => c.Op != ChangeOp.Retire).Select(c => c.Feature
            ?? throw new ArgumentException($"{c.LayerId}/{c.FeatureId}: a change of kind {FeatureChange.Name(c.Op)} needs the new feature")).ToList();
        if (added.Count > 0)
        {
            await InsertFeaturesAsync(connection, tx, version, added.Select(f => f.LayerId).ToHashSet(StringComparer.Ordinal), added.ToAsyncEnumerable(), null, ct);
        }

        return version;
    }

    private async Task InsertVersionRowAsync(DbConnection connection, DbTransaction tx, PlanVersion version, string source, string? amendmentId, string? rationale,
        CancellationToken ct)
    {
        await using var insert = Command(connection, tx, """
            INSERT INTO plan_version (id, plan_id, seq, label, effective_from, published_at, source, amendment_id, rationale)
            VALUES (@id, @p, @s, @l, @e, @at, @src, @a, @r)
            """, ("id", version.Id), ("p", version.PlanId), ("s", version.Sequence), ("l", version.Label), ("e", Dialect.Day(version.EffectiveFrom)),
            ("at", Dialect.Instant(version.PublishedAt)), ("src", source), ("a", amendmentId), ("r", rationale));
        await insert.ExecuteNonQueryAsync(ct);
    }
}
