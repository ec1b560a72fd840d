namespace Metrocircle.Core.Spatial;

/// <summary>
/// A tiny deterministic random source (SplitMix64): the same seed gives the same numbers on every platform and
/// .NET version, which System.Random does not promise.
/// </summary>
public sealed class SplitMix64(ulong seed)
{
    private ulong _state = seed;

    public ulong Next()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

    public double Between(double low, double high) => low + ((high - low) * NextDouble());

    /// <summary>A value whose logarithm is uniform: as many small features as large ones per order of magnitude.</summary>
    public double LogUniform(double low, double high) => Math.Exp(Between(Math.Log(low), Math.Log(high)));

    /// <summary>A stateless hash of a seed and integer keys, for per-cell decisions that do not depend on order.</summary>
    public static double Hash(ulong seed, long a, long b, int salt) =>
        new SplitMix64(seed ^ ((ulong)a * 0x9E3779B97F4A7C15UL) ^ ((ulong)b * 0xC2B2AE3D27D4EB4FUL) ^ ((ulong)salt * 0x165667B19E3779F9UL)).NextDouble();
}
