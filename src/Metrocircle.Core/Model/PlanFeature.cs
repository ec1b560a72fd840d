using System.Text.Json.Nodes;
using NetTopologySuite.Geometries;

namespace Metrocircle.Core.Model;

/// <summary>
/// One feature of a layer. <see cref="Properties"/> holds the typed attributes as JSON values
/// (string, number, boolean, null); provenance is kept beside them, not inside.
/// </summary>
public sealed record PlanFeature(
    string LayerId,
    string Id,
    Geometry? Geometry,
    JsonObject Properties,
    Provenance Provenance,
    DateOnly? ValidFrom = null,
    DateOnly? ValidTo = null)
{
    /// <summary>The properties as served: the attributes followed by the provenance fields.</summary>
    public JsonObject PublicProperties()
    {
        var result = (JsonObject)Properties.DeepClone();
        result["certainty"] = Provenance.ToText(Provenance.Certainty);
        result["source"] = Provenance.Source;
        if (Provenance.Basis is not null)
        {
            result["basis"] = Provenance.Basis;
        }

        if (ValidFrom is { } from)
        {
            result["validFrom"] = from.ToString("yyyy-MM-dd");
        }

        if (ValidTo is { } to)
        {
            result["validTo"] = to.ToString("yyyy-MM-dd");
        }

        return result;
    }
}
