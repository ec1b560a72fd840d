using System.Runtime;

namespace Metrocircle.Web.Plan;

/// <summary>
/// After building a snapshot (or the store's box index of a layer) of a million features or more. A build passes
/// several times its result's size through the heap (every feature is read as objects, projected, split into convex
/// pieces and copied into flat arrays; a box index reads keys and boxes into lists and sorts them), and the collector keeps much of that memory committed long after: ten million parcels left the process at
/// 13.6 GB RSS for a 7 GB heap. One full, compacting collection that gives the free memory back to the system, once
/// per build of a version or layer, costs a pause of a few seconds at that size — small beside a build of minutes —
/// and keeps the process at about its live size.
/// </summary>
internal static class LargeBuilds
{
    /// <summary>The size from which a build is followed by the collection.</summary>
    public const long Threshold = 1_000_000;

    /// <summary>Collects and returns free memory to the system when <paramref name="features"/> reaches <see cref="Threshold"/>.</summary>
    public static void ReturnMemory(long features)
    {
        if (features < Threshold)
        {
            return;
        }

        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }
}
