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

    /// <summary>
    /// Starts reading <paramref name="source"/> on the thread pool now, up to <paramref name="waiting"/> items ahead of
    /// whoever reads the result, so that a reader that must first do other work (build an index, say) finds items
    /// ready. Disposing the read stops the producer and hands every item read but not taken to
    /// <paramref name="discard"/> (a pooled buffer goes back to its pool).
    /// </summary>
    public static StartedRead<T> Start<T>(IAsyncEnumerable<T> source, int waiting, Action<T> discard, CancellationToken ct) =>
        new(source, waiting, discard, ct);
}

/// <summary>A read started by <see cref="AheadBatches.Start"/>: its items in order through <see cref="ReadAllAsync"/>, once.</summary>
public sealed class StartedRead<T> : IAsyncDisposable
{
    private readonly Channel<T> _channel;
    private readonly CancellationTokenSource _stop;
    private readonly Action<T> _discard;
    private readonly Task _producer;

    internal StartedRead(IAsyncEnumerable<T> source, int waiting, Action<T> discard, CancellationToken ct)
    {
        _channel = Channel.CreateBounded<T>(new BoundedChannelOptions(waiting) { SingleReader = true, SingleWriter = true });
        _stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        _discard = discard;
        var writer = _channel.Writer;
        var stop = _stop.Token;
        _producer = Task.Run(async () =>
        {
            try
            {
                await foreach (var item in source.WithCancellation(stop))
                {
                    try
                    {
                        await writer.WriteAsync(item, stop);
                    }
                    catch
                    {
                        discard(item);
                        throw;
                    }
                }

                writer.TryComplete();
            }
            catch (Exception e)
            {
                writer.TryComplete(e);
                throw;
            }
        }, stop);
    }

    /// <summary>The items in the source's order; what stopped the source is rethrown after the items before it.</summary>
    public async IAsyncEnumerable<T> ReadAllAsync([EnumeratorCancellation] CancellationToken ct = default)
    {
        var reader = _channel.Reader;
        while (await reader.WaitToReadAsync(ct))
        {
            while (reader.TryRead(out var item))
            {
                yield return item;
            }
        }

        await _producer;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _producer;
        }
        catch (Exception)
        {
            // Surfaced by ReadAllAsync already, or the consumer stopped first and its own exception is the one that matters.
        }

        while (_channel.Reader.TryRead(out var item))
        {
            _discard(item);
        }

        _stop.Dispose();
    }
}
