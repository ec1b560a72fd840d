namespace Metrocircle.Core.Tiles;

/// <summary>
/// How tiles are cut. <see cref="Generalize"/> applies the per-zoom rule: with the tile's cell size c (the tile's width / 256,
/// one pixel of the WebMercatorQuad tile matrix) polygons whose area is under c² are dropped, rings whose area
/// falls under c² after simplification are dropped, and every ring and line is simplified with Douglas–Peucker at a
/// tolerance of c. Lines and points are never dropped. Without it, tiles hold every feature as PostGIS's
/// ST_AsMVTGeom would: clipped, snapped to the extent's grid, with collapsed rings removed.
/// </summary>
public sealed record TileOptions(int Extent = 4096, int Buffer = 64, bool Generalize = true)
{
    public static TileOptions Default { get; } = new();

    public static TileOptions Exact { get; } = new(Generalize: false);
}

/// <summary>One encoded tile and how many features it holds.</summary>
public sealed record EncodedTile(byte[] Bytes, int FeatureCount)
{
    public bool IsEmpty => FeatureCount == 0;
}
