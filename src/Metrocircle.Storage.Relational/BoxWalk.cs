using Metrocircle.Core.Spatial;
using Metrocircle.Core.Storage;
using NetTopologySuite.Geometries.Prepared;
using NetTopologySuite.IO;

namespace Metrocircle.Storage.Relational;

/// <summary>
/// A bbox page's walk over its candidates in key order: the count (up to past its cap) and the window of keys after
/// the cursor or offset, one more than the limit so that the page knows whether more follow.
/// </summary>
internal sealed class BoxWalk(FeatureQuery query, IPreparedGeometry prepared)
{
    private readonly WKBReader _wkb = new(GeoJsonGeometry.Services);
    private readonly List<long> _window = new(Math.Min(query.Limit + 1, 1024));
    private long _counted;
    private long _skip = query.After is null ? query.Offset : 0;

    /// <summary>Whether nothing further can change the page or the count.</summary>
    public bool Done => _counted > query.MatchedCap && _window.Count > query.Limit;

    /// <summary>Takes the next candidate (its blob only when it is not inside); false when the walk is over.</summary>
    public bool Step(long fid, bool inside, byte[]? blob)
    {
        var countMore = _counted <= query.MatchedCap;
        var pageFull = _window.Count > query.Limit;
        if (!countMore && pageFull)
        {
            return false;
        }

        // Before the cursor a candidate matters only to the count; once that is past its cap, it needs no test.
        var onPage = fid > (query.After ?? 0) && !pageFull;
        if (!countMore && !onPage)
        {
            return true;
        }

        if (!inside && (blob is null || !prepared.Intersects(_wkb.Read(blob))))
        {
            return true;
        }

        _counted++;
        if (onPage && _skip-- <= 0)
        {
            _window.Add(fid);
        }

        return true;
    }

    public (List<long> Keys, bool More, long Counted) Result() => (_window.Take(query.Limit).ToList(), _window.Count > query.Limit, _counted);
}
