using System.Text.Json.Nodes;

namespace Metrocircle.Core.Alignment;

/// <summary>What a rule concludes when its condition holds.</summary>
public enum RuleOutcome
{
    Pass,
    Warn,
    Fail,
    Approval,
}

/// <summary>
/// One rule as data: a condition (<c>when</c>) over the footprint, its category and the plan's layers; the outcome
/// when it holds; the authority whose approval it calls for and at which level that authority sits (national,
/// province, city, county or region: approval routing keys on it); and a message template with {placeholders}.
/// </summary>
public sealed record AlignmentRule(
    string Id,
    string RulesVersion,
    string Title,
    string Basis,
    JsonNode When,
    RuleOutcome Outcome,
    string? Authority,
    string Message,
    string? ApprovalLevel = null)
{
    public static readonly IReadOnlyList<string> ApprovalLevels = ["national", "region", "province", "city", "county"];

    public static string? ParseApprovalLevel(string? text, string ruleId) =>
        text is null || ApprovalLevels.Contains(text, StringComparer.Ordinal)
            ? text
            : throw new FormatException($"rule {ruleId}: approvalLevel \"{text}\" is not one of {string.Join(", ", ApprovalLevels)}");

    public static string OutcomeText(RuleOutcome outcome) => outcome switch
    {
        RuleOutcome.Pass => "pass",
        RuleOutcome.Warn => "warn",
        RuleOutcome.Fail => "fail",
        RuleOutcome.Approval => "needs-approval",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome)),
    };

    public static RuleOutcome ParseOutcome(string text, string ruleId) => text switch
    {
        "pass" => RuleOutcome.Pass,
        "warn" => RuleOutcome.Warn,
        "fail" => RuleOutcome.Fail,
        "approval" or "needs-approval" => RuleOutcome.Approval,
        _ => throw new FormatException($"rule {ruleId}: outcome \"{text}\" is not pass, warn, fail or approval"),
    };
}
