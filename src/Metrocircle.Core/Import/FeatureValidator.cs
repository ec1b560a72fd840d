using System.Globalization;
using Metrocircle.Core.Model;
using NetTopologySuite.Algorithm;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Utilities;
using NetTopologySuite.Operation.Valid;

namespace Metrocircle.Core.Import;

/// <summary>
/// Checks one incoming geometry against its layer and repairs what can be repaired:
/// invalid rings are rebuilt (self-intersections split, not guessed away) and rings are put in RFC 7946 winding.
/// Anything it cannot trust is dropped with the reason.
/// </summary>
public static class FeatureValidator
{
    /// <summary>
    /// Returns the geometry to store, or null when the feature must be dropped; either way the report says why.
    /// </summary>
    public static Geometry? Validate(
        Geometry? geometry, LayerGeometry expected, string layer, string feature, ImportReport report)
    {
        if (expected == LayerGeometry.None)
        {
            if (geometry is not null)
            {
                report.Add(new ImportIssue(ImportAction.Dropped, layer, feature, "the layer holds records without geometry, but the feature has one"));
                return null;
            }

            return null;
        }

        if (geometry is null || geometry.IsEmpty)
        {
            report.Add(new ImportIssue(ImportAction.Dropped, layer, feature, geometry is null ? "no geometry" : "empty geometry"));
            return null;
        }

        foreach (var c in geometry.Coordinates)
        {
            if (!double.IsFinite(c.X) || !double.IsFinite(c.Y) || c.X < -180 || c.X > 180 || c.Y < -90 || c.Y > 90)
            {
                report.Add(new ImportIssue(ImportAction.Dropped, layer, feature,
                    string.Create(CultureInfo.InvariantCulture, $"coordinate ({c.X}, {c.Y}) is outside lon/lat range; the input must be WGS 84 longitude, latitude")));
                return null;
            }
        }

        if (!Fits(geometry, expected))
        {
            report.Add(new ImportIssue(ImportAction.Dropped, layer, feature,
                $"geometry type {geometry.GeometryType} does not fit a layer of {expected} features"));
            return null;
        }

        var result = geometry;
        var validator = new IsValidOp(geometry);
        if (!validator.IsValid)
        {
            var error = validator.ValidationError;
            var fixedGeometry = Extract(GeometryFixer.Fix(geometry), expected);
            if (fixedGeometry is null || fixedGeometry.IsEmpty)
            {
                report.Add(new ImportIssue(ImportAction.Dropped, layer, feature, $"{Describe(error)} could not be repaired", error.Coordinate));
                return null;
            }

            var change = expected == LayerGeometry.Polygon && geometry.Area > 0
                ? string.Create(CultureInfo.InvariantCulture, $"; area changed by {100 * (fixedGeometry.Area - geometry.Area) / geometry.Area:+0.###;-0.###;0}%")
                : string.Empty;
            report.Add(new ImportIssue(ImportAction.Repaired, layer, feature, $"{Describe(error)} repaired by rebuilding the rings{change}", error.Coordinate));
            result = fixedGeometry;
        }

        if (expected == LayerGeometry.Polygon)
        {
            var (oriented, changed) = OrientRfc7946(result);
            if (changed && result == geometry)
            {
                report.Add(new ImportIssue(ImportAction.Reoriented, layer, feature,
                    "rings were in the wrong winding order; re-oriented (exterior counter-clockwise, holes clockwise)"));
            }

            result = oriented;
        }

        result.SRID = 4326;
        return result;
    }

    private static string Describe(TopologyValidationError error) => error.ErrorType switch
    {
        TopologyValidationErrors.SelfIntersection or TopologyValidationErrors.RingSelfIntersection => "ring self-intersection",
        TopologyValidationErrors.TooFewPoints => "ring with too few distinct points",
        TopologyValidationErrors.NestedShells => "nested shells",
        TopologyValidationErrors.HoleOutsideShell => "hole outside its shell",
        TopologyValidationErrors.DisconnectedInteriors => "disconnected interior",
        _ => error.Message.ToLowerInvariant(),
    };

    private static bool Fits(Geometry g, LayerGeometry expected) => expected switch
    {
        LayerGeometry.Point => g is Point or MultiPoint,
        LayerGeometry.LineString => g is LineString or MultiLineString,
        LayerGeometry.Polygon => g is Polygon or MultiPolygon,
        _ => false,
    };

    /// <summary>Keeps only the parts of the layer's dimension: a repair may leave slivers of lower dimension.</summary>
    internal static Geometry? Extract(Geometry g, LayerGeometry expected)
    {
        if (Fits(g, expected))
        {
            return g;
        }

        var parts = new List<Geometry>();
        for (var i = 0; i < g.NumGeometries; i++)
        {
            var part = g.GetGeometryN(i);
            if (Fits(part, expected))
            {
                for (var j = 0; j < part.NumGeometries; j++)
                {
                    parts.Add(part.GetGeometryN(j));
                }
            }
        }

        if (parts.Count == 0)
        {
            return null;
        }

        return expected switch
        {
            LayerGeometry.Polygon => parts.Count == 1 ? parts[0] : g.Factory.CreateMultiPolygon(parts.Cast<Polygon>().ToArray()),
            LayerGeometry.LineString => parts.Count == 1 ? parts[0] : g.Factory.CreateMultiLineString(parts.Cast<LineString>().ToArray()),
            _ => parts.Count == 1 ? parts[0] : g.Factory.CreateMultiPoint(parts.Cast<Point>().ToArray()),
        };
    }

    /// <summary>Puts every exterior ring counter-clockwise and every hole clockwise, as RFC 7946 asks.</summary>
    public static (Geometry Geometry, bool Changed) OrientRfc7946(Geometry g)
    {
        var changed = false;
        Polygon Orient(Polygon p)
        {
            if (p.IsEmpty)
            {
                return p;
            }

            var shell = p.Shell;
            if (!Orientation.IsCCW(shell.CoordinateSequence))
            {
                shell = (LinearRing)shell.Reverse();
                changed = true;
            }

            var holes = p.Holes.Select(h =>
            {
                if (Orientation.IsCCW(h.CoordinateSequence))
                {
                    changed = true;
                    return (LinearRing)h.Reverse();
                }

                return h;
            }).ToArray();
            return p.Factory.CreatePolygon(shell, holes);
        }

        Geometry result = g switch
        {
            Polygon p => Orient(p),
            MultiPolygon mp => mp.Factory.CreateMultiPolygon(Enumerable.Range(0, mp.NumGeometries).Select(i => Orient((Polygon)mp.GetGeometryN(i))).ToArray()),
            _ => g,
        };
        return (result, changed);
    }
}
