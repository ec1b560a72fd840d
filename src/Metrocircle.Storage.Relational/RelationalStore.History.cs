using Metrocircle.Core.Amendments;
using Metrocircle.Core.Model;

namespace Metrocircle.Storage.Relational;

public abstract partial class RelationalStore
{
    public Task<IReadOnlyList<VersionRecord>> GetVersionsAsync(string planId, CancellationToken ct) => throw new NotImplementedException("versions: being written");

    public Task<VersionRecord?> GetVersionRecordAsync(string versionId, CancellationToken ct) => throw new NotImplementedException("versions: being written");

    public Task<PlanVersion?> GetVersionInForceAsync(DateOnly day, CancellationToken ct) => throw new NotImplementedException("versions: being written");

    public Task<IReadOnlyList<FeatureHistoryEntry>> GetFeatureHistoryAsync(string planId, string layerId, string featureId, CancellationToken ct) =>
        throw new NotImplementedException("versions: being written");

    public Task<PlanVersion> ApplyChangesAsync(ChangeSetPublish publish, CancellationToken ct) => throw new NotImplementedException("change sets: being written");
}
