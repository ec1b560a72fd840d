using Metrocircle.Core.Audit;
using Metrocircle.Core.Model;

namespace Metrocircle.Core.Amendments;

/// <summary>What a change does to one feature.</summary>
public enum ChangeOp
{
    Add,
    Change,
    Retire,
}

/// <summary>
/// One change of an amendment's change set: add a feature to a layer, change (replace) one under its id, or retire
/// one. <see cref="Feature"/> is the new feature for add and change, null for retire.
/// </summary>
public sealed record FeatureChange(ChangeOp Op, string LayerId, string FeatureId, PlanFeature? Feature)
{
    public static string Name(ChangeOp op) => op switch
    {
        ChangeOp.Add => "add",
        ChangeOp.Change => "change",
        _ => "retire",
    };
}

/// <summary>
/// A new version made of changes to individual features of the version at <see cref="BaseSequence"/>: every other row
/// carries over. The store refuses when a feature changed or retired here is no longer the one visible at the
/// newest version (it moved under the change set) or does not exist, and when an added id exists already.
/// </summary>
public sealed record ChangeSetPublish(
    string PlanId,
    int BaseSequence,
    string Label,
    DateOnly EffectiveFrom,
    string Source,
    string? AmendmentId,
    string Rationale,
    IReadOnlyList<FeatureChange> Changes,
    Func<PlanVersion, IReadOnlyList<AuditRecord>> Audit);

/// <summary>A change set that no longer applies: the features named moved (changed or retired) after its base, or are missing.</summary>
public sealed class ChangeSetConflictException(string message, IReadOnlyList<string> features) : Exception(message)
{
    public IReadOnlyList<string> Features { get; } = features;
}
