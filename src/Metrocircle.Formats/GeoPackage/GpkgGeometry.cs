using System.Buffers.Binary;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace Metrocircle.Formats.GeoPackage;

/// <summary>
/// Decodes a GeoPackage geometry blob (OGC 12-128r18 §2.1.3): the "GP" header with its flags, SRS id and optional
/// envelope, then standard WKB.
/// </summary>
internal static class GpkgGeometry
{
    public static Geometry Decode(byte[] blob, WKBReader wkb)
    {
        if (blob.Length < 8 || blob[0] != (byte)'G' || blob[1] != (byte)'P')
        {
            throw new GeometryDecodeException("the geometry blob does not start with the GeoPackage magic \"GP\"");
        }

        var flags = blob[3];
        if ((flags & 0b0010_0000) != 0)
        {
            throw new GeometryDecodeException("extended GeoPackage geometry types are not supported");
        }

        var envelope = (flags >> 1) & 0b111;
        var envelopeBytes = envelope switch
        {
            0 => 0,
            1 => 32,
            2 or 3 => 48,
            4 => 64,
            _ => throw new GeometryDecodeException($"invalid envelope indicator {envelope} in the geometry header"),
        };
        var offset = 8 + envelopeBytes;
        if ((flags & 0b0001_0000) != 0)
        {
            return GeometryFactories.LonLat.CreateGeometryCollection();
        }

        if (blob.Length <= offset)
        {
            throw new GeometryDecodeException("the geometry blob ends inside its header");
        }

        try
        {
            using var stream = new MemoryStream(blob, offset, blob.Length - offset, writable: false);
            return wkb.Read(stream);
        }
        catch (Exception e) when (e is ParseException or ArgumentException or EndOfStreamException or IOException)
        {
            throw new GeometryDecodeException($"invalid WKB: {e.Message}");
        }
    }

    public static int SrsId(byte[] blob) =>
        (blob[3] & 1) == 1 ? BinaryPrimitives.ReadInt32LittleEndian(blob.AsSpan(4)) : BinaryPrimitives.ReadInt32BigEndian(blob.AsSpan(4));
}

/// <summary>A geometry blob that cannot be decoded; the feature is dropped with this reason.</summary>
internal sealed class GeometryDecodeException(string message) : Exception(message);
