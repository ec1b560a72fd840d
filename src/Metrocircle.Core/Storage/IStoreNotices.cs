namespace Metrocircle.Core.Storage;

/// <summary>One piece of a store's background work ended: a line for the log, and how many rows it built from (0 when none).</summary>
public sealed record StoreNotice(string Text, long Rows = 0);

/// <summary>
/// A store that does work of its own in the background (the SQLite store builds in-memory box indexes of large
/// layers) and says when a piece of it ends, so that the host can log it and, after a large build, give the build's
/// garbage back to the system as it does after its own snapshots.
/// </summary>
public interface IStoreNotices
{
    /// <summary>Raised on the thread that did the work.</summary>
    event Action<StoreNotice>? Notice;
}
