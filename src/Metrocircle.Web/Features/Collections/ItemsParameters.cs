using System.Globalization;
using Metrocircle.Core.Filtering;
using Metrocircle.Core.Spatial;
using Metrocircle.Web.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using NetTopologySuite.Geometries;

namespace Metrocircle.Web.Features.Collections;

/// <summary>The validated query parameters of an items request.</summary>
/// <param name="Cursor">The row key a page starts after, from a <c>next</c> link; when given, <paramref name="Offset"/> is not used.</param>
/// <param name="Crs">The CRS the features are written in (<c>crs</c>, CRS84 by default).</param>
/// <param name="Filter">A CQL2-text <c>filter</c>, or null.</param>
internal sealed record ItemsParameters(Envelope? Bbox, int Limit, int Offset, DateOnly? ValidFrom, DateOnly? ValidTo, long? Cursor, ItemsCrs Crs, Cql2Filter? Filter)
{
    public const int DefaultLimit = 10;
    public const int MaxLimit = 10_000;

    /// <summary>The <c>crs</c> parameter of an items or item read; a problem naming an unsupported CRS and listing the collection's.</summary>
    public static (ItemsCrs? Crs, ProblemHttpResult? Problem) ParseCrs(IQueryCollection query, string parameter, Envelope? extent)
    {
        if (!query.TryGetValue(parameter, out var values))
        {
            return (ItemsCrs.Crs84, null);
        }

        // The same CRS named twice (a client repeating a dataset URL's parameter on a next link) is that CRS.
        var distinct = values.Distinct(StringComparer.Ordinal).ToList();
        var text = distinct.Count == 1 ? distinct[0] ?? string.Empty : values.ToString();

        return ItemsCrs.Parse(text) is { } crs
            ? (crs, null)
            : (null, Problems.BadRequest($"Unsupported {parameter}",
                $"{parameter}=\"{text}\" is not a CRS this collection can be read in. Offered: {string.Join(", ", ItemsCrs.Offered(extent))}; any other CGCS2000 Gauss-Kruger zone (http://www.opengis.net/def/crs/EPSG/0/4491 to 4554) is accepted too.",
                parameter));
    }

    public static (ItemsParameters? Value, ProblemHttpResult? Problem) Parse(IQueryCollection query, IReadOnlyDictionary<string, Cql2Type> queryables, Envelope? extent)
    {
        var limit = DefaultLimit;
        if (query.TryGetValue("limit", out var limitText))
        {
            if (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > MaxLimit)
            {
                return (null, Problems.BadRequest("Invalid limit", $"limit must be a whole number from 1 to {MaxLimit}; got \"{limitText}\".", "limit"));
            }
        }

        var offset = 0;
        if (query.TryGetValue("offset", out var offsetText)
            && !int.TryParse(offsetText, NumberStyles.None, CultureInfo.InvariantCulture, out offset))
        {
            return (null, Problems.BadRequest("Invalid offset", $"offset must be a whole number of 0 or more; got \"{offsetText}\".", "offset"));
        }

        long? cursor = null;
        if (query.TryGetValue("cursor", out var cursorText))
        {
            if (!long.TryParse(cursorText, NumberStyles.None, CultureInfo.InvariantCulture, out var key))
            {
                return (null, Problems.BadRequest("Invalid cursor", $"cursor must be the value a next link carries (a whole number of 0 or more); got \"{cursorText}\".", "cursor"));
            }

            cursor = key;
        }

        var (crs, crsProblem) = ParseCrs(query, "crs", extent);
        if (crsProblem is not null)
        {
            return (null, crsProblem);
        }

        var (bboxCrs, bboxCrsProblem) = ParseCrs(query, "bbox-crs", extent);
        if (bboxCrsProblem is not null)
        {
            return (null, bboxCrsProblem);
        }

        if (query.ContainsKey("bbox-crs") && !query.ContainsKey("bbox"))
        {
            return (null, Problems.BadRequest("bbox-crs without bbox", "bbox-crs names the CRS of the bbox parameter; give a bbox or leave bbox-crs out.", "bbox-crs"));
        }

        Envelope? bbox = null;
        if (query.TryGetValue("bbox", out var bboxText))
        {
            var (box, error) = ParseBbox(bboxText.ToString(), bboxCrs!);
            if (error is not null)
            {
                return (null, Problems.BadRequest("Invalid bbox", error, "bbox"));
            }

            bbox = box;
        }

        DateOnly? from = null, to = null;
        if (query.TryGetValue("datetime", out var datetimeText))
        {
            var error = ParseDatetime(datetimeText.ToString(), out from, out to);
            if (error is not null)
            {
                return (null, Problems.BadRequest("Invalid datetime", error, "datetime"));
            }
        }

        var (filter, filterProblem) = ParseFilter(query, queryables);
        if (filterProblem is not null)
        {
            return (null, filterProblem);
        }

        return (new ItemsParameters(bbox, limit, offset, from, to, cursor, crs!, filter), null);
    }

    private static (Cql2Filter? Filter, ProblemHttpResult? Problem) ParseFilter(IQueryCollection query, IReadOnlyDictionary<string, Cql2Type> queryables)
    {
        var lang = query["filter-lang"].ToString();
        if (lang is not ("" or "cql2-text"))
        {
            return (null, Problems.BadRequest("Unsupported filter-lang", $"filter-lang=\"{lang}\" is not offered; filters are CQL2 text (filter-lang=cql2-text).", "filter-lang"));
        }

        var filterCrs = query["filter-crs"].ToString();
        if (filterCrs is not ("" or ItemsCrs.Crs84Uri))
        {
            return (null, Problems.BadRequest("Unsupported filter-crs", $"filter-crs=\"{filterCrs}\" is not offered; geometry literals in a filter are {ItemsCrs.Crs84Uri} (longitude, latitude).", "filter-crs"));
        }

        if (!query.TryGetValue("filter", out var text))
        {
            return (null, null);
        }

        return Cql2Filter.TryParse(text.ToString(), queryables, GeoJsonGeometry.Factory, out var filter, out var error, out var position)
            ? (filter, null)
            : (null, Problems.BadRequest("Invalid filter", string.Create(CultureInfo.InvariantCulture, $"filter at character {position}: {error}. The filter was: {text}"), "filter"));
    }

    private static (Envelope? Box, string? Error) ParseBbox(string text, ItemsCrs crs)
    {
        var parts = text.Split(',');
        if (parts.Length is not (4 or 6))
        {
            return (null, $"bbox needs 4 numbers (minLon,minLat,maxLon,maxLat) or 6 with heights; got {parts.Length} in \"{text}\".");
        }

        var numbers = new double[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out numbers[i]) || !double.IsFinite(numbers[i]))
            {
                return (null, $"bbox value {i + 1} (\"{parts[i]}\") is not a number.");
            }
        }

        var (minX, minY, maxX, maxY) = parts.Length == 4 ? (numbers[0], numbers[1], numbers[2], numbers[3]) : (numbers[0], numbers[1], numbers[3], numbers[4]);
        if (!crs.IsCrs84)
        {
            if (minX > maxX || minY > maxY)
            {
                return (null, string.Create(CultureInfo.InvariantCulture, $"bbox {text} has a minimum greater than its maximum; in {crs.Uri} the numbers are in that CRS's axis order (latitude or northing first)."));
            }

            var box = crs.ToLonLat(minX, minY, maxX, maxY);
            return box.MinX < -180 || box.MaxX > 180 || box.MinY < -90 || box.MaxY > 90 || !double.IsFinite(box.MinX) || !double.IsFinite(box.MaxY)
                ? (null, $"bbox {text} in {crs.Uri} lies outside longitude -180..180 / latitude -90..90; check the axis order (latitude or northing first).")
                : (box, null);
        }

        if (minX < -180 || maxX > 180 || minY < -90 || maxY > 90)
        {
            return (null, string.Create(CultureInfo.InvariantCulture, $"bbox {minX},{minY},{maxX},{maxY} is outside longitude -180..180 / latitude -90..90; coordinates are CRS84 (longitude first)."));
        }

        if (minY > maxY)
        {
            return (null, string.Create(CultureInfo.InvariantCulture, $"bbox minimum latitude {minY} is greater than its maximum {maxY}."));
        }

        if (minX > maxX)
        {
            return (null, string.Create(CultureInfo.InvariantCulture, $"bbox minimum longitude {minX} is greater than its maximum {maxX}; boxes across the antimeridian are not supported."));
        }

        return (new Envelope(minX, maxX, minY, maxY), null);
    }

    /// <summary>RFC 3339 instant or interval with open ends (<c>..</c>); validity is kept per day, so times are read as their date.</summary>
    private static string? ParseDatetime(string text, out DateOnly? from, out DateOnly? to)
    {
        from = to = null;
        var parts = text.Split('/');
        if (parts.Length > 2)
        {
            return $"datetime must be an instant or an interval start/end; got \"{text}\".";
        }

        DateOnly? Parse(string s, out bool ok)
        {
            ok = true;
            if (s is ".." or "")
            {
                return null;
            }

            if (DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
            {
                return d;
            }

            if (DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var dt))
            {
                return DateOnly.FromDateTime(dt.UtcDateTime);
            }

            ok = false;
            return null;
        }

        from = Parse(parts[0], out var ok1);
        var ok2 = true;
        to = parts.Length == 2 ? Parse(parts[1], out ok2) : from;
        if (!ok1 || !ok2 || (parts.Length == 1 && from is null))
        {
            return $"datetime \"{text}\" is not an RFC 3339 date, date-time or interval (for example 2030-01-01 or 2026-01-01/..).";
        }

        if (from is not null && to is not null && from > to)
        {
            return $"datetime interval \"{text}\" ends before it starts.";
        }

        return null;
    }
}
