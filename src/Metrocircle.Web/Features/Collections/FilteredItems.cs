using Metrocircle.Core.Filtering;
using Metrocircle.Core.Model;
using Metrocircle.Core.Storage;

namespace Metrocircle.Web.Features.Collections;

/// <summary>
/// An items page under a CQL2 filter. The stores know bbox, datetime and key order but not CQL2, so the filter runs in
/// process on their candidates: candidates are read by key in batches and tested until the page is full. The next
/// cursor must be the key of the last feature on the page, which the store only gives at a page's end, so when a
/// batch fills the page before its end the batch is read again up to that feature to learn it. Cost: the page
/// reads every candidate up to its last match (a sparse filter walks much of the layer), and numberMatched reads
/// every candidate once more, which is only done while the candidates (bbox and datetime matches) are within the
/// count cap; above it numberMatched is left out, as it is without a filter.
/// </summary>
internal static class FilteredItems
{
    private const int Batch = 500;

    public static async Task<FeaturePage> ReadAsync(IPlanStore store, FeatureQuery query, Cql2Filter filter, CancellationToken ct)
    {
        var skip = query.After is null ? query.Offset : 0;
        var taken = new List<PlanFeature>(query.Limit);
        var cursor = query.After;
        long seen = 0;
        long? next = null;
        while (true)
        {
            var start = cursor;
            var batch = await store.GetFeaturesAsync(query with { Offset = 0, After = start, Limit = Batch, MatchedCap = 1 }, ct);
            var full = false;
            for (var i = 0; i < batch.Features.Count && !full; i++)
            {
                if (!filter.Matches(batch.Features[i]))
                {
                    continue;
                }

                seen++;
                if (skip > 0)
                {
                    skip--;
                    continue;
                }

                taken.Add(batch.Features[i]);
                if (taken.Count == query.Limit)
                {
                    full = true;
                    next = i == batch.Features.Count - 1
                        ? batch.Next
                        : (await store.GetFeaturesAsync(query with { Offset = 0, After = start, Limit = i + 1, MatchedCap = 1 }, ct)).Next;
                }
            }

            if (full || batch.Next is null)
            {
                break;
            }

            cursor = batch.Next;
        }

        // A walk from the first candidate to the last has seen every match; otherwise they are counted separately.
        var matched = query.After is null && next is null ? seen : await CountAsync(store, query, filter, ct);
        return new FeaturePage(taken, matched, next);
    }

    private static async Task<long?> CountAsync(IPlanStore store, FeatureQuery query, Cql2Filter filter, CancellationToken ct)
    {
        var candidates = await store.GetFeaturesAsync(query with { Offset = 0, After = null, Limit = 1 }, ct);
        if (candidates.NumberMatched is null)
        {
            return null;
        }

        long count = 0;
        long? cursor = null;
        do
        {
            var batch = await store.GetFeaturesAsync(query with { Offset = 0, After = cursor, Limit = Batch, MatchedCap = 1 }, ct);
            count += batch.Features.Count(filter.Matches);
            cursor = batch.Next;
        }
        while (cursor is not null);

        return count;
    }
}
