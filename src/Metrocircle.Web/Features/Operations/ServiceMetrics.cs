using Prometheus;

namespace Metrocircle.Web.Features.Operations;

/// <summary>
/// The application's own Prometheus series, beside the per-endpoint request counts and latencies of
/// <c>UseHttpMetrics</c>. Names follow Prometheus conventions (base units, <c>_total</c> for counters).
/// </summary>
internal static class ServiceMetrics
{
    public static readonly Histogram CheckDuration = Metrics.CreateHistogram(
        "metrocircle_check_duration_seconds",
        "Time to compute one alignment verdict and store it with its audit entry (POST /checks and case submissions).",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.00002, 2, 16) });

    public static readonly Counter TileRequests = Metrics.CreateCounter(
        "metrocircle_tile_requests_total",
        "Vector tiles served, by whether the encoded tile came from the cache.",
        new CounterConfiguration { LabelNames = ["cache"] });

    public static readonly Counter StoreErrors = Metrics.CreateCounter(
        "metrocircle_store_errors_total",
        "Requests that failed because the store was unavailable or refused the operation (answered 503).");

    public static readonly Gauge SnapshotVersion = Metrics.CreateGauge(
        "metrocircle_plan_snapshot_built",
        "1 when the alignment snapshot of the plan version being served is built, else 0.");
}
