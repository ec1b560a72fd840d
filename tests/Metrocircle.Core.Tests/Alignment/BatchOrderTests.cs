using Metrocircle.Core.Alignment;
using Metrocircle.Core.Spatial;
using NetTopologySuite.Geometries;

namespace Metrocircle.Core.Tests.Alignment;

public sealed class BatchOrderTests
{
    [Fact]
    public void visits_every_footprint_once_and_neighbours_one_after_another()
    {
        // A 40 × 40 grid of squares listed in random order: a spatial order steps between neighbours far more often.
        var random = new Random(5);
        var factory = GeoJsonGeometry.MetricFactory;
        var squares = Enumerable.Range(0, 1600).Select(i => (X: i % 40, Y: i / 40)).OrderBy(_ => random.Next())
            .Select(c => (Geometry)factory.ToGeometry(new Envelope(c.X * 100, (c.X * 100) + 90, c.Y * 100, (c.Y * 100) + 90))).ToArray();

        var order = BatchOrder.Spatial(squares);

        Assert.Equal(Enumerable.Range(0, squares.Length), order.Order());
        static double Step(Geometry a, Geometry b) => a.Centroid.Distance(b.Centroid);
        var spatial = order.Zip(order.Skip(1)).Average(p => Step(squares[p.First], squares[p.Second]));
        var given = Enumerable.Range(0, squares.Length - 1).Average(i => Step(squares[i], squares[i + 1]));
        Assert.True(spatial < given / 5, $"mean step {spatial:0} m in spatial order against {given:0} m as given");
        Assert.Empty(BatchOrder.Spatial([]));
    }
}
