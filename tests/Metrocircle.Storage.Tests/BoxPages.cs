using System.Text.Json.Nodes;
using Metrocircle.Core.Model;
using Metrocircle.Core.Spatial;
using Metrocircle.Core.Storage;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace Metrocircle.Storage.Tests;

/// <summary>Random parcels and bbox key pages asked of two stores over the same data, for the box index tests of both engines.</summary>
internal static class BoxPages
{
    private static readonly WKTReader Wkt = new(new NetTopologySuite.NtsGeometryServices(new PrecisionModel(), 4326));

    /// <summary>A random parcel around Beijing: a rectangle, a triangle or an L, from tens of metres to kilometres across.</summary>
    public static PlanFeature Parcel(SplitMix64 random, string layer, string id)
    {
        var x = random.Between(115.4, 117.4);
        var y = random.Between(38.9, 40.9);
        var w = random.LogUniform(0.0003, 0.08);
        var h = random.LogUniform(0.0003, 0.08);
        var wkt = (int)random.Between(0, 3) switch
        {
            0 => FormattableString.Invariant($"POLYGON (({x} {y}, {x + w} {y}, {x + w} {y + h}, {x} {y + h}, {x} {y}))"),
            1 => FormattableString.Invariant($"POLYGON (({x} {y}, {x + w} {y}, {x} {y + h}, {x} {y}))"),
            _ => FormattableString.Invariant($"POLYGON (({x} {y}, {x + w} {y}, {x + w} {y + (h / 3)}, {x + (w / 3)} {y + (h / 3)}, {x + (w / 3)} {y + h}, {x} {y + h}, {x} {y}))"),
        };
        return new PlanFeature(layer, id, Wkt.Read(wkt), new JsonObject { ["n"] = id }, new Provenance("test", Certainty.Synthetic, "made up"));
    }

    /// <summary>
    /// The key page of <paramref name="query"/> and then the page its cursor leads to, from both stores: keys, count and
    /// cursor must be equal. Returns the keys compared and the last query asked.
    /// </summary>
    public static async Task<(int Compared, FeatureQuery Last)> AssertAlikeAsync(IFeatureKeyReader expectedStore, IFeatureKeyReader actualStore, FeatureQuery query, CancellationToken ct)
    {
        var compared = 0;
        for (var step = 0; step < 2; step++)
        {
            var expected = await expectedStore.GetFeatureKeysAsync(query, ct);
            var actual = await actualStore.GetFeatureKeysAsync(query, ct);
            Assert.Equal(expected.Keys, actual.Keys);
            Assert.Equal(expected.NumberMatched, actual.NumberMatched);
            Assert.Equal(expected.Next, actual.Next);
            compared += expected.Keys.Count;
            if (expected.Next is not { } next)
            {
                break;
            }

            query = query with { Offset = 0, After = next };
        }

        return (compared, query);
    }
}
