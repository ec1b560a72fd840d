using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Metrocircle.Core.Storage;

/// <summary>
/// Two stages of a bulk write on two cores: a producer runs on the thread pool and hands its results over in batches
/// through a bounded channel, while the caller consumes them. One hand-over per item would cost both threads more than
/// most items do.
/// </summary>
public static class AheadBatches
{
    /// <summary>
    /// Reads <paramref name="source"/> on the thread pool, <paramref name="batchSize"/> items a batch, and yields the
    /// batches in its order, so that whatever produces the items runs beside what the caller does with them.
    /// </summary>
    public static IAsyncEnumerable<T[]> ReadAsync<T>(IAsyncEnumerable<T> source, int batchSize, int waitingBatches, CancellationToken ct) =>
        RunAsync<T>(async (writer, stop) =>
        {
            var batch = new T[batchSize];
            var n = 0;
            await foreach (var item in source.WithCancellation(stop))
            {
                batch[n++] = item;
                if (n == batchSize)
                {
                    await writer.WriteAsync(batch, stop);
                    batch = new T[batchSize];
                    n = 0;
                }
            }

            if (n > 0)
            {
                await writer.WriteAsync(batch[..n], stop);
            }
        }, waitingBatches, ct);

    /// <summary>
    /// Runs <paramref name="produce"/> on the thread pool and yields the batches it writes. What stops the producer is
    /// rethrown after the batches it wrote before; a consumer that stops early (or fails) cancels the producer and waits
    /// for it, so no work outlives the enumeration.
    /// </summary>
    public static async IAsyncEnumerable<T[]> RunAsync<T>(Func<ChannelWriter<T[]>, CancellationToken, Task> produce, int waitingBatches,
        [EnumeratorCancellation] CancellationToken ct)
    {
        var channel = Channel.CreateBounded<T[]>(new BoundedChannelOptions(waitingBatches) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var producer = Task.Run(async () =>
        {
            try
            {
                await produce(channel.Writer, stop.Token);
                channel.Writer.TryComplete();
            }
            catch (Exception e)
            {
                channel.Writer.TryComplete(e);
                throw;
            }
        }, stop.Token);
        try
        {
            while (await channel.Reader.WaitToReadAsync(ct))
            {
                while (channel.Reader.TryRead(out var batch))
                {
                    yield return batch;
                }
            }

            await producer;
        }
        finally
        {
            await stop.CancelAsync();
            try
            {
                await producer;
            }
            catch (Exception)
            {
                // Already surfaced above, or the consumer stopped first and its own exception is the one that matters.
            }
        }
    }
}
