using System.Text.Json.Nodes;
using Metrocircle.Core.Model;

namespace Metrocircle.Core.Dataset;

/// <summary>
/// Certainty of a feature's membership or role, kept apart from the certainty of its geometry (its provenance): a
/// circle drawn exactly from county outlines can still have members that are only the project's reading, and a node
/// city whose role is confirmed can sit on an approximate point. Optional properties <c>membershipCertainty</c>
/// (confirmed, indicative or synthetic) and <c>membershipBasis</c> (required unless confirmed); a feature without
/// them says nothing separate about membership, so older data still loads.
/// </summary>
public static class Membership
{
    public const string CertaintyProperty = "membershipCertainty";
    public const string BasisProperty = "membershipBasis";

    public static IReadOnlyList<string> CheckBuild(IReadOnlyList<PlanFeature> features)
    {
        var problems = new List<string>();
        foreach (var f in features)
        {
            var certainty = f.Properties[CertaintyProperty];
            var basis = f.Properties[BasisProperty];
            if (certainty is null)
            {
                if (basis is not null)
                {
                    problems.Add($"{f.LayerId}/{f.Id}: {BasisProperty} is given without {CertaintyProperty}");
                }

                continue;
            }

            var text = certainty is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
            if (!Provenance.TryParse(text, out var parsed))
            {
                problems.Add($"{f.LayerId}/{f.Id}: {CertaintyProperty} {certainty.ToJsonString()} is not confirmed, indicative or synthetic");
            }
            else if (parsed != Certainty.Confirmed && (basis is not JsonValue b || !b.TryGetValue<string>(out var why) || string.IsNullOrWhiteSpace(why)))
            {
                problems.Add($"{f.LayerId}/{f.Id}: a {text} membership must state its {BasisProperty}");
            }
        }

        return problems;
    }
}
