using Metrocircle.Core.Alignment;
using Metrocircle.Core.Model;
using Metrocircle.Core.Spatial;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace Metrocircle.Core.Tests.Amendments;

/// <summary>
/// A layer derived from a base layer for an amendment (<c>SnapshotLayer.With</c>, which copies the convex pieces of the
/// features it keeps) is the layer built from scratch from the same features: same tree, pieces and candidates.
/// </summary>
public sealed class ImpactSnapshotTests
{
    private static readonly WKTReader Wkt = new(GeoJsonGeometry.Services);
    private static readonly PlanLayer Farmland = new("permanent-farmland", "control:permanent-farmland", "f", "f", "f", LayerGeometry.Polygon, 1, []);

    private static SnapshotFeature F(string id, string wkt) => new(id, Wkt.Read(wkt), []);

    private static string Square(double x, double y, double size = 100) => FormattableString.Invariant(
        $"POLYGON (({x} {y}, {x + size} {y}, {x + size} {y + size}, {x} {y + size}, {x} {y}))");

    // An L-shaped parcel: concave, so it is kept as several convex pieces.
    private static string Ell(double x, double y) => FormattableString.Invariant(
        $"POLYGON (({x} {y}, {x + 200} {y}, {x + 200} {y + 100}, {x + 100} {y + 100}, {x + 100} {y + 200}, {x} {y + 200}, {x} {y}))");

    // A circle of 100 vertices: not simple, so it has no pieces at all.
    private static string Round(double x, double y) => new Point(x, y).Buffer(80, 25).ToText();

    [Fact]
    public void a_layer_with_features_replaced_dropped_and_added_equals_the_layer_built_from_scratch()
    {
        var features = Enumerable.Range(0, 300).Select(i => F($"p{i}", (i % 3) switch
        {
            0 => Square(i * 250, (i % 17) * 300),
            1 => Ell(i * 250, (i % 17) * 300),
            _ => Round(i * 250, (i % 17) * 300),
        })).ToList();
        var base_ = new SnapshotLayer(Farmland, features);
        var replaced = new Dictionary<string, SnapshotFeature?>(StringComparer.Ordinal)
        {
            ["p1"] = F("p1", Square(10, 10)),
            ["p2"] = null,
            ["p150"] = F("p150", Ell(5000, 5000)),
            ["p299"] = null,
        };
        SnapshotFeature[] added = [F("n1", Ell(-500, -500)), F("n2", Square(20_000, 100)), F("n3", Round(3000, 3000))];

        var derived = base_.With(replaced, added);

        var expected = features.Where(f => !replaced.ContainsKey(f.Id) || replaced[f.Id] is not null).Select(f => replaced.GetValueOrDefault(f.Id) ?? f).Concat(added).ToList();
        var fresh = new SnapshotLayer(Farmland, expected);
        Assert.Equal(expected.Select(f => f.Id), derived.Features.Select(f => f.Id));
        // The derived tree keeps the base's packing (new features last), so compare feature by feature, not slot by slot.
        int[] Slots(SnapshotLayer layer)
        {
            var slots = new int[expected.Count];
            for (var slot = 0; slot < expected.Count; slot++)
            {
                slots[layer.FeatureIndex(slot)] = slot;
            }

            return slots;
        }

        var (freshSlots, derivedSlots) = (Slots(fresh), Slots(derived));
        var pieces = 0;
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Same(fresh.Feature(freshSlots[i]), derived.Feature(derivedSlots[i]));
            var count = fresh.PieceCount(freshSlots[i]);
            Assert.Equal(count, derived.PieceCount(derivedSlots[i]));
            Assert.Equal(fresh.ConvexRing(freshSlots[i]).ToArray(), derived.ConvexRing(derivedSlots[i]).ToArray());
            for (var q = 0; q < count; q++)
            {
                Assert.Equal(fresh.Piece(freshSlots[i], q).ToArray(), derived.Piece(derivedSlots[i], q).ToArray());
                pieces++;
            }
        }

        Assert.True(pieces > expected.Count / 2, "squares and L-shapes have convex pieces");
        foreach (var box in new[] { new Envelope(-1000, 30_000, -1000, 6000), new Envelope(0, 2000, 0, 2000), new Envelope(19_000, 21_000, 0, 500) })
        {
            Assert.Equal(fresh.Candidates(box).Select(f => f.Id), derived.Candidates(box).Select(f => f.Id));
        }
        Assert.Contains(derived.Features, f => f.Id == "n1");
        Assert.DoesNotContain(derived.Features, f => f.Id == "p2");
    }
}
