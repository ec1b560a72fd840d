using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Metrocircle.Core.Storage;

namespace Metrocircle.Core.Tests.Storage;

/// <summary>A read started ahead of its reader (<see cref="AheadBatches.Start"/>): order, errors, and what happens to unread items.</summary>
public sealed class StartedReadTests
{
    private static async IAsyncEnumerable<int> Numbers(int count, int? failAt, ConcurrentQueue<int> produced, TaskCompletionSource? afterFour,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        for (var i = 0; i < count; i++)
        {
            ct.ThrowIfCancellationRequested();
            if (i == failAt)
            {
                throw new InvalidOperationException($"item {i} is unreadable");
            }

            await Task.Yield();
            produced.Enqueue(i);
            if (i == 3)
            {
                afterFour?.TrySetResult();
            }

            yield return i;
        }
    }

    [Fact]
    public async Task the_source_is_read_before_anyone_asks_and_every_item_comes_once_in_order()
    {
        var ct = TestContext.Current.CancellationToken;
        var produced = new ConcurrentQueue<int>();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var discarded = new ConcurrentQueue<int>();
        await using var read = AheadBatches.Start(Numbers(1_000, null, produced, started, ct), 8, discarded.Enqueue, ct);

        // Nobody has enumerated yet; the source still gets read.
        await started.Task.WaitAsync(TimeSpan.FromMinutes(1), ct);

        var got = new List<int>();
        await foreach (var i in read.ReadAllAsync(ct))
        {
            got.Add(i);
        }

        Assert.Equal(Enumerable.Range(0, 1_000), got);
        Assert.Empty(discarded);
    }

    [Fact]
    public async Task a_source_that_fails_gives_the_items_before_it_then_its_own_error()
    {
        var ct = TestContext.Current.CancellationToken;
        var got = new List<int>();
        await using var read = AheadBatches.Start(Numbers(100, 37, new ConcurrentQueue<int>(), null, ct), 4, _ => { }, ct);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await foreach (var i in read.ReadAllAsync(ct))
            {
                got.Add(i);
            }
        });

        Assert.Equal("item 37 is unreadable", error.Message);
        Assert.Equal(Enumerable.Range(0, 37), got);
    }

    [Fact]
    public async Task a_read_given_up_stops_its_source_and_hands_every_item_not_taken_to_discard_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var produced = new ConcurrentQueue<int>();
        var discarded = new ConcurrentQueue<int>();
        var taken = new List<int>();
        var read = AheadBatches.Start(Numbers(100_000, null, produced, null, ct), 16, discarded.Enqueue, ct);
        await foreach (var i in read.ReadAllAsync(ct))
        {
            taken.Add(i);
            if (taken.Count == 50)
            {
                break;
            }
        }

        await read.DisposeAsync();
        var afterDispose = produced.Count;

        // Everything the source gave is either taken or discarded, never both, never twice; and the source stopped
        // far from its end (disposing waits for it).
        Assert.Equal(Enumerable.Range(0, 50), taken);
        Assert.Equal(produced.Order(), taken.Concat(discarded).Order());
        Assert.True(afterDispose < 100_000, $"the source ran to its end ({afterDispose} items) after the read was given up");
    }
}
