using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace Metrocircle.Bench.Alignment;

/// <summary>
/// Samples the runtime's allocation ticks (one event per ~100 KB allocated, naming the type whose allocation crossed
/// the mark) while it is alive, so that a run can say which types its garbage is made of without an outside profiler.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;

    private readonly ConcurrentDictionary<string, long> _bytes = new(StringComparer.Ordinal);

    /// <summary>The sampled types, most bytes first.</summary>
    public IEnumerable<KeyValuePair<string, long>> Top(int n) => _bytes.OrderByDescending(p => p.Value).Take(n);

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        // GCAllocationTick_V4: AllocationAmount (uint), AllocationKind, ClrInstanceID, AllocationAmount64, TypeID, TypeName, …
        if (eventData.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) != true || eventData.Payload is null || eventData.PayloadNames is null)
        {
            return;
        }

        var name = eventData.PayloadNames.IndexOf("TypeName") is var t and >= 0 ? eventData.Payload[t] as string ?? "?" : "?";
        var amount = eventData.PayloadNames.IndexOf("AllocationAmount64") is var a and >= 0 ? Convert.ToInt64(eventData.Payload[a], System.Globalization.CultureInfo.InvariantCulture) : 100_000;
        _bytes.AddOrUpdate(name, amount, (_, v) => v + amount);
    }
}
