using System.Globalization;
using System.Text.Json.Nodes;
using Metrocircle.Core.Import;
using Metrocircle.Core.Model;
using Metrocircle.Core.Spatial;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using NetTopologySuite.Operation.Union;

namespace Metrocircle.Core.Dataset;

/// <summary>
/// Generates illustrative control layers (red-line patches, urban boundaries around county seats, farmland parcels)
/// where official ones are not published, so that analysis has something real to work on out of the box. Everything
/// is computed in the dataset's equal-area projection from a seed, so the output is the same on every machine.
/// </summary>
internal static class SyntheticLayers
{
    private static readonly GeometryFactory Metric = GeoJsonGeometry.MetricFactory;

    public static List<(string Id, Geometry Geometry, JsonObject Properties)> Generate(
        SyntheticSpec spec, string relative, JurisdictionSet jurisdictions, IReadOnlyDictionary<string, List<PlanFeature>> built, EqualAreaProjection projection)
    {
        Geometry Resolve(IEnumerable<string> refs) => JurisdictionBuilder.Union(refs.Select(r => jurisdictions.ByReference.GetValueOrDefault(r)
            ?? throw new DatasetException($"{relative}: synthetic.in/exclude refers to unknown jurisdiction \"{r}\"")).ToList());

        // Projection can turn a valid lon/lat ring into one with a collapsed sliver; overlay needs valid input.
        var scope = Valid(projection.Project(Resolve(spec.In)));
        if (spec.Exclude is { Count: > 0 } exclude)
        {
            scope = Valid(scope.Difference(Valid(projection.Project(Resolve(exclude)))));
        }

        var avoid = (spec.AvoidLayers ?? []).SelectMany(id => built.GetValueOrDefault(id)
            ?? throw new DatasetException($"{relative}: synthetic.avoidLayers names \"{id}\", which is not a layer built before this one")).Select(f => projection.Project(f.Geometry!)).ToList();
        var avoidUnion = avoid.Count == 0 ? null : PreparedGeometryFactory.Prepare(Valid(UnaryUnionOp.Union(avoid.Select(Valid).ToList())));
        var rng = new SplitMix64(spec.Seed);

        var metric = spec.Method switch
        {
            "blobs" => Blobs(spec, relative, scope, avoidUnion, rng),
            "seats" => Seats(spec, relative, scope, jurisdictions, avoidUnion, rng, projection),
            "parcels" => Parcels(spec, relative, scope, jurisdictions, avoidUnion, projection),
            _ => throw new DatasetException($"{relative}: synthetic.method \"{spec.Method}\" is not blobs, seats or parcels"),
        };

        return metric.Select(m =>
        {
            var lonLat = projection.Unproject(m.Geometry);
            var (oriented, _) = FeatureValidator.OrientRfc7946(lonLat);
            oriented.SRID = 4326;
            var props = m.Properties;
            foreach (var (k, v) in spec.Properties ?? [])
            {
                props[k] = v?.DeepClone();
            }

            return (m.Id, oriented, props);
        }).ToList();
    }

    private static Geometry Valid(Geometry g) => g.IsValid ? g : NetTopologySuite.Geometries.Utilities.GeometryFixer.Fix(g);

    private static (double Low, double High) Range(IReadOnlyList<double>? values, string name, string relative) =>
        values is [var low, var high] && low > 0 && high >= low ? (low, high) : throw new DatasetException($"{relative}: synthetic.{name} must be [low, high] in metres");

    /// <summary>Irregular star-shaped patches, log-uniform in size, clipped to the scope and never overlapping each other.</summary>
    private static List<(string Id, Geometry Geometry, JsonObject Properties)> Blobs(SyntheticSpec spec, string relative, Geometry scope, IPreparedGeometry? avoid, SplitMix64 rng)
    {
        var (rMin, rMax) = Range(spec.RadiusM, "radiusM", relative);
        var inside = PreparedGeometryFactory.Prepare(scope);
        var env = scope.EnvelopeInternal;
        var result = new List<(string, Geometry, JsonObject)>();
        var placed = new List<Geometry>();
        for (var attempt = 0; result.Count < spec.Count && attempt < spec.Count * 50; attempt++)
        {
            var center = new Coordinate(rng.Between(env.MinX, env.MaxX), rng.Between(env.MinY, env.MaxY));
            var radius = rng.LogUniform(rMin, rMax);
            const int n = 32;
            var ring = new Coordinate[n + 1];
            for (var i = 0; i < n; i++)
            {
                var angle = 2 * Math.PI * i / n;
                var r = radius * rng.Between(0.65, 1.35);
                ring[i] = new Coordinate(center.X + (r * Math.Cos(angle)), center.Y + (r * Math.Sin(angle)));
            }

            ring[n] = ring[0];
            if (!inside.Contains(Metric.CreatePoint(center)) || (avoid?.Intersects(Metric.CreatePoint(center)) ?? false))
            {
                continue;
            }

            Geometry blob = Metric.CreatePolygon(ring);
            blob = blob.Intersection(scope);
            if (avoid is not null)
            {
                blob = blob.Difference(avoid.Geometry);
            }

            var overlapping = placed.Where(p => p.EnvelopeInternal.Intersects(blob.EnvelopeInternal) && p.Intersects(blob)).ToList();
            if (overlapping.Count > 0)
            {
                blob = blob.Difference(UnaryUnionOp.Union(overlapping));
            }

            if (FeatureValidator.Extract(blob, LayerGeometry.Polygon) is not { IsEmpty: false } polygon || polygon.Area < 10_000)
            {
                continue;
            }

            placed.Add(polygon);
            result.Add(($"{Prefix(relative)}-{result.Count + 1:0000}", polygon, new JsonObject { ["areaHa"] = Math.Round(polygon.Area / 1e4, 2) }));
        }

        return result;
    }

    /// <summary>One built-up area around the seat (label point) of every county in scope, clipped to its county.</summary>
    private static List<(string Id, Geometry Geometry, JsonObject Properties)> Seats(SyntheticSpec spec, string relative, Geometry scope,
        JurisdictionSet jurisdictions, IPreparedGeometry? avoid, SplitMix64 rng, EqualAreaProjection projection)
    {
        var (rMin, rMax) = Range(spec.RadiusM, "radiusM", relative);
        var inside = PreparedGeometryFactory.Prepare(scope);
        var result = new List<(string, Geometry, JsonObject)>();
        foreach (var county in jurisdictions.Counties)
        {
            var shape = Valid(projection.Project(county.Geometry!));
            var lon = county.Properties["labelLon"]?.GetValue<double>();
            var lat = county.Properties["labelLat"]?.GetValue<double>();
            var seat = lon is { } x && lat is { } y ? ToPoint(projection.Forward(x, y)) : shape.InteriorPoint;
            if (!shape.Contains(seat))
            {
                seat = shape.InteriorPoint;
            }

            if (!inside.Contains(seat) || (avoid?.Contains(seat) ?? false))
            {
                continue;
            }

            var radius = rng.Between(rMin, rMax);
            var blob = seat.Buffer(radius, 8).Intersection(shape);
            if (avoid is not null)
            {
                blob = blob.Difference(avoid.Geometry);
            }

            if (FeatureValidator.Extract(blob, LayerGeometry.Polygon) is not { IsEmpty: false } polygon)
            {
                continue;
            }

            var name = county.Properties["name"]!.GetValue<string>();
            result.Add(($"seat-{county.Id}", polygon, new JsonObject
            {
                ["kind"] = "county-seat",
                ["countyId"] = county.Id,
                ["nameZh"] = $"{name}城区",
                ["nameEn"] = county.Properties["nameEn"] is { } en ? $"{en.GetValue<string>()} built-up area" : null,
                ["areaHa"] = Math.Round(polygon.Area / 1e4, 2),
            }));
        }

        return result;

        static Point ToPoint((double X, double Y) p) => Metric.CreatePoint(new Coordinate(p.X, p.Y));
    }

    /// <summary>
    /// Rectangular parcels on a jittered grid over the counties in scope, dropping a share of cells (gaps) and any
    /// cell that meets an avoided layer. Each cell's fate depends only on (seed, cell), not on the order of work.
    /// </summary>
    private static List<(string Id, Geometry Geometry, JsonObject Properties)> Parcels(SyntheticSpec spec, string relative, Geometry scope,
        JurisdictionSet jurisdictions, IPreparedGeometry? avoid, EqualAreaProjection projection)
    {
        if (spec.SpacingM <= 0)
        {
            throw new DatasetException($"{relative}: synthetic.spacingM must be positive for parcels");
        }

        var (sMin, sMax) = Range(spec.SizeM, "sizeM", relative);
        var inScope = PreparedGeometryFactory.Prepare(scope);
        var result = new List<(string, Geometry, JsonObject)>();
        foreach (var county in jurisdictions.Counties)
        {
            var shape = Valid(projection.Project(county.Geometry!));
            if (!inScope.Intersects(shape))
            {
                continue;
            }

            var prepared = PreparedGeometryFactory.Prepare(shape);
            var env = shape.EnvelopeInternal;
            var s = spec.SpacingM;
            for (var i = (long)Math.Floor(env.MinX / s); i * s < env.MaxX; i++)
            {
                for (var j = (long)Math.Floor(env.MinY / s); j * s < env.MaxY; j++)
                {
                    if (SplitMix64.Hash(spec.Seed, i, j, 0) >= spec.Keep)
                    {
                        continue;
                    }

                    var cx = (i + 0.5 + (0.2 * (SplitMix64.Hash(spec.Seed, i, j, 1) - 0.5))) * s;
                    var cy = (j + 0.5 + (0.2 * (SplitMix64.Hash(spec.Seed, i, j, 2) - 0.5))) * s;
                    var centre = Metric.CreatePoint(new Coordinate(cx, cy));
                    if (!prepared.Contains(centre) || !inScope.Contains(centre))
                    {
                        continue;
                    }

                    var w = sMin + ((sMax - sMin) * SplitMix64.Hash(spec.Seed, i, j, 3));
                    var h = w * (0.55 + (0.45 * SplitMix64.Hash(spec.Seed, i, j, 4)));
                    var angle = (SplitMix64.Hash(spec.Seed, i, j, 5) - 0.5) * 0.5;
                    var parcel = Rectangle(cx, cy, w, h, angle);
                    if (avoid?.Intersects(parcel) ?? false)
                    {
                        continue;
                    }

                    Geometry clipped = prepared.Covers(parcel) ? parcel : parcel.Intersection(shape);
                    if (FeatureValidator.Extract(clipped, LayerGeometry.Polygon) is not { IsEmpty: false } polygon || polygon.Area < 1_000)
                    {
                        continue;
                    }

                    result.Add((string.Create(CultureInfo.InvariantCulture, $"{Prefix(relative)}-{county.Id}-{i}-{j}"), polygon, new JsonObject
                    {
                        ["countyId"] = county.Id,
                        ["areaHa"] = Math.Round(polygon.Area / 1e4, 2),
                    }));
                }
            }
        }

        return result;
    }

    private static Polygon Rectangle(double cx, double cy, double w, double h, double angle)
    {
        var (sin, cos) = Math.SinCos(angle);
        Coordinate Corner(double dx, double dy) => new(cx + (dx * cos) - (dy * sin), cy + (dx * sin) + (dy * cos));
        return Metric.CreatePolygon([Corner(-w / 2, -h / 2), Corner(w / 2, -h / 2), Corner(w / 2, h / 2), Corner(-w / 2, h / 2), Corner(-w / 2, -h / 2)]);
    }

    private static string Prefix(string relative) => Path.GetFileNameWithoutExtension(relative) switch
    {
        var name when name.StartsWith("control-", StringComparison.Ordinal) => name["control-".Length..],
        var name => name,
    };
}
