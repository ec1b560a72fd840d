namespace Metrocircle.Core.Storage;

/// <summary>
/// A store that does work of its own in the background (the SQLite store builds in-memory box indexes of large
/// layers) and says when a piece of it ends, so that the host can log it.
/// </summary>
public interface IStoreNotices
{
    /// <summary>Raised on the thread that did the work, with one line for the log.</summary>
    event Action<string>? Notice;
}
