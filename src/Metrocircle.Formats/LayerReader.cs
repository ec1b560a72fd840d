namespace Metrocircle.Formats;

/// <summary>
/// Streams the features of one layer file, one at a time, so that memory does not grow with the file.
/// Reading may fail part-way with <see cref="LayerFileException"/>: callers write inside a transaction.
/// </summary>
public abstract class LayerReader : IAsyncDisposable
{
    private protected LayerReader(string path, string format)
    {
        Path = path;
        Format = format;
    }

    public string Path { get; }

    /// <summary>A short name of the format, for messages (<c>GeoJSON</c>, <c>GeoPackage</c>, ...).</summary>
    public string Format { get; }

    /// <summary>The file's CRS and the transformation that brought it to lon/lat, for the import report.</summary>
    public string CrsNote { get; private protected set; } = "source CRS WGS 84 longitude/latitude (EPSG:4326, CRS84); no transformation";

    /// <summary>How much of the file has been read, from 0 to 1, for progress displays; read from another thread.</summary>
    public double Fraction => Volatile.Read(ref _fraction);

    private double _fraction;

    private protected void SetFraction(double value) => Volatile.Write(ref _fraction, Math.Clamp(value, 0, 1));

    public abstract IAsyncEnumerable<RawFeature> ReadAsync(CancellationToken ct);

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
