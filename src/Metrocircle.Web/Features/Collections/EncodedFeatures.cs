using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Metrocircle.Core.Model;
using Metrocircle.Core.Spatial;
using Metrocircle.Core.Storage;

namespace Metrocircle.Web.Features.Collections;

/// <summary>The features of one items page as encoded GeoJSON Feature objects, with the page's count and next cursor.</summary>
internal sealed record EncodedPage(IReadOnlyList<byte[]> Features, long? NumberMatched, long? Next);

/// <summary>
/// The GeoJSON Feature of a stored feature row, in one items CRS, encoded once and kept (issue 15): number formatting
/// and the geometry walk were most of an items request's CPU, and a row never changes what it holds (a new version adds
/// rows and retires old ones), so its encoding is keyed by (row key, CRS) and stays right for every version that shows
/// the row; an amendment leaves the rows it did not touch cached. A page asks the store for its keys first and reads
/// (and decodes) only the rows not held. Memory is bounded by <see cref="ItemsPaging.FeatureCacheMegabytes"/> (bytes
/// of JSON plus a fixed overhead per entry); past it the least recently read entries are dropped, which is also how
/// the rows of versions no longer asked for leave. The bytes are those <see cref="GeoJsonFeatureWriter"/> writes into
/// an items page, so a page assembled from them is the page written feature by feature.
/// </summary>
internal sealed class EncodedFeatures
{
    /// <summary>The writer options of <see cref="Infrastructure.JsonWriterResult"/>, which writes the page around the fragments.</summary>
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly RowBytesCache? _cache;
    private readonly IFeatureKeyReader? _keys;

    /// <param name="keys">The store's key reader, registered with the store's capabilities when it has one.</param>
    public EncodedFeatures(ItemsPaging settings, IFeatureKeyReader? keys = null)
    {
        _keys = keys;
        if (settings.FeatureCacheMegabytes > 0)
        {
            _cache = new RowBytesCache(settings.FeatureCacheMegabytes * 1024L * 1024L);
        }
    }

    /// <summary>Whether pages are read through the cache (it is on, and the store reads keys).</summary>
    public bool Serves => _cache is not null && _keys is not null;

    /// <summary>The page <paramref name="query"/> selects, each feature encoded in <paramref name="crs"/>.</summary>
    public async Task<EncodedPage> ReadPageAsync(IPlanStore store, FeatureQuery query, ItemsCrs crs, CancellationToken ct)
    {
        var reader = _keys!;
        var cache = _cache!.For(crs.Uri);
        var page = await reader.GetFeatureKeysAsync(query, ct);
        var json = new byte[page.Keys.Count][];
        List<long>? missing = null;
        for (var i = 0; i < json.Length; i++)
        {
            if (cache.Get(page.Keys[i]) is { } found)
            {
                json[i] = found;
            }
            else
            {
                (missing ??= []).Add(page.Keys[i]);
            }
        }

        if (missing is not null)
        {
            var rows = (await reader.GetFeaturesByKeyAsync(missing, ct)).ToDictionary(r => r.Key, r => r.Feature);
            for (var i = 0; i < json.Length; i++)
            {
                if (json[i] is not null)
                {
                    continue;
                }

                // Rows are never deleted, so a key just read has its row; a store that lost one is a fault, not an empty slot.
                var feature = rows.TryGetValue(page.Keys[i], out var f) ? f
                    : throw new StoreException($"feature row {page.Keys[i]} of {query.LayerId} at {query.VersionId} was listed but could not be read from {store.Description}");
                json[i] = Encode(crs.Apply(feature));
                cache.Set(page.Keys[i], json[i]);
            }
        }

        return new EncodedPage(json, page.NumberMatched, page.Next);
    }

    /// <summary>A feature (already in its output CRS) as the bytes an items page holds for it.</summary>
    public static byte[] Encode(PlanFeature feature)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var w = new Utf8JsonWriter(buffer, Options))
        {
            GeoJsonFeatureWriter.Write(w, feature);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Bytes the cache holds now (0 when it is off).</summary>
    internal long CachedBytes => _cache?.Bytes ?? 0;
}
