using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Metrocircle.Core.Collaboration;

namespace Metrocircle.Web.Features.Collaboration;

/// <summary>
/// The body of <c>POST /tasks/{taskId}/progress</c>: <c>{"milestone", "at", "status", "percent", "note", "evidence"}</c>.
/// Reading it only checks shapes (JSON, types, known status, a date); what the values mean for the task is
/// <see cref="ProgressValidator"/>'s to judge.
/// </summary>
public static class ProgressRequest
{
    private static readonly HashSet<string> Fields = new(StringComparer.Ordinal) { "milestone", "at", "status", "percent", "note", "evidence" };

    /// <summary>The update the body describes, or every shape problem with the field it concerns.</summary>
    public static (ProgressUpdate? Update, IReadOnlyList<ProgressProblem> Problems) Parse(string body, string taskId, string actor, DateOnly today)
    {
        JsonObject json;
        try
        {
            json = JsonNode.Parse(body) as JsonObject ?? throw new JsonException("the body is not a JSON object");

            // Members are read lazily; reading them here is where a repeated member name shows.
            _ = json.Count;
        }
        catch (JsonException e)
        {
            return (null, [new("body", $"not a JSON object ({e.Message})")]);
        }
        catch (ArgumentException e)
        {
            return (null, [new("body", $"a member name is repeated ({e.Message})")]);
        }

        var problems = new List<ProgressProblem>();
        foreach (var unknown in json.Select(p => p.Key).Where(k => !Fields.Contains(k)))
        {
            problems.Add(new(unknown, $"\"{unknown}\" is not a field of a progress update; use {string.Join(", ", Fields)}"));
        }

        string? Text(string field, bool required)
        {
            switch (json[field])
            {
                case null when required:
                    problems.Add(new(field, $"\"{field}\" is required"));
                    return null;
                case null:
                    return null;
                case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                    return v.GetValue<string>();
                default:
                    problems.Add(new(field, $"\"{field}\" should be a text"));
                    return null;
            }
        }

        var milestone = Text("milestone", required: false);
        var statusText = Text("status", required: true);
        ProgressStatus status = default;
        if (statusText is not null && !ProgressStatuses.TryParse(statusText, out status))
        {
            problems.Add(new("status", $"status \"{statusText}\" is not one of {ProgressStatuses.List}"));
        }

        var at = today;
        if (Text("at", required: false) is { } atText
            && !DateOnly.TryParseExact(atText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out at))
        {
            problems.Add(new("at", $"at \"{atText}\" is not a date yyyy-MM-dd"));
        }

        int? percent = null;
        if (json["percent"] is { } p)
        {
            if (p is JsonValue pv && pv.GetValueKind() == JsonValueKind.Number && pv.TryGetValue<double>(out var d) && double.IsInteger(d) && Math.Abs(d) < int.MaxValue)
            {
                percent = (int)d;
            }
            else
            {
                problems.Add(new("percent", "percent should be a whole number from 0 to 100"));
            }
        }

        var note = Text("note", required: true) ?? "";
        var evidence = new List<string>();
        switch (json["evidence"])
        {
            case null:
                break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                evidence.Add(v.GetValue<string>());
                break;
            case JsonArray items:
                foreach (var (item, i) in items.Select((x, i) => (x, i)))
                {
                    if (item is JsonValue iv && iv.GetValueKind() == JsonValueKind.String)
                    {
                        evidence.Add(iv.GetValue<string>());
                    }
                    else
                    {
                        problems.Add(new($"evidence[{i}]", "each evidence item should be a text (a link or a short description)"));
                    }
                }

                break;
            default:
                problems.Add(new("evidence", "evidence should be a list of texts (links or short descriptions)"));
                break;
        }

        return problems.Count > 0
            ? (null, problems)
            : (new ProgressUpdate(taskId, string.IsNullOrEmpty(milestone) ? null : milestone, at, actor, status, percent, note, evidence), []);
    }
}
