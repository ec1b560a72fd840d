namespace Metrocircle.Core.Dataset;

/// <summary>A data folder that cannot be built; the message names the file and what is wrong.</summary>
public sealed class DatasetException(string message, Exception? inner = null) : Exception(message, inner);
