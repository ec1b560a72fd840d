using System.Security.Claims;
using System.Text;
using System.Text.Json.Nodes;
using Metrocircle.Core.Audit;
using Metrocircle.Core.Indicators;
using Metrocircle.Core.Mismatch;
using Metrocircle.Core.Storage;
using Metrocircle.Web.Infrastructure;
using Metrocircle.Web.Infrastructure.Access;
using Metrocircle.Web.Plan;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Metrocircle.Web.Features.Mismatch;

/// <summary>The spatial-mismatch analysis of a year (issue 14 item 3) and the import of the commuting flows it reads.</summary>
public static class MismatchApi
{
    /// <summary>The largest OD file accepted over HTTP; a county matrix of a few hundred counties fits many times.</summary>
    public const int MaxBodyBytes = 8 * 1024 * 1024;

    public static IEndpointRouteBuilder MapMismatch(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("").WithTags("Mismatch");
        group.MapGet("/mismatch", GetMismatch).WithName("getMismatch").RequireAuthorization(Policies.SignedIn)
            .WithSummary("Spatial mismatch of a year: jobs–housing, self-containment, cross-province commuting, commuting distance, the commuting circle's criterion, land against people, stored cases against industrial zones and rail stations, construction land sought by open cases against quota left; each finding with its value, threshold and basis");
        group.MapPost("/mismatch/commuting", PostCommuting).WithName("postCommuting").RequireAuthorization(Policies.Monitoring)
            .WithSummary("Import commuting flows (CSV with header origin,destination,year,trips,mode,source); every bad row is reported and a body with any bad row imports nothing")
            .Accepts<string>("text/csv");
        return app;
    }

    internal static async Task<Results<Ok<MismatchReport>, ProblemHttpResult>> GetMismatch(int? year, PlanCatalog catalog, SnapshotCache snapshots, IObservationStore observations,
        ICommuteStore commuting, ICaseStore cases, ILedgerStore ledger, CancellationToken ct)
    {
        if (year is not { } y || y < ObservationValidator.EarliestYear || y > 2100)
        {
            return Problems.BadRequest("Year missing or out of range", $"GET /mismatch needs ?year=YEAR, a year from {ObservationValidator.EarliestYear} to 2100{(year is null ? "" : $"; {year} is outside")}.", "year");
        }

        if (await catalog.GetAsync(ct) is not { } view)
        {
            return Problems.NoPlan();
        }

        var gathered = await MismatchData.GatherAsync(catalog.Store, observations, commuting, view.Version, y, async (version, c) =>
            await catalog.GetVersionAsync(version.Id, c) is { } v ? await snapshots.GetAsync(v, c) : throw new StoreException($"plan version {version.Id} vanished while being read"), ct,
            cases, ledger);
        return TypedResults.Ok(MismatchReport.Of(gathered));
    }

    /// <summary>
    /// Imports an OD file. Region-wide roles may import any flow; a reviewer only flows that start or end in their
    /// jurisdiction, so one government cannot rewrite the commuting between two others.
    /// </summary>
    internal static async Task<Results<Ok<CommuteImport>, ProblemHttpResult>> PostCommuting(HttpRequest request, ClaimsPrincipal user, PlanCatalog catalog, JurisdictionCache jurisdictions,
        ICommuteStore commuting, TimeProvider time, CancellationToken ct)
    {
        var actor = user.ToActor();
        var (body, seen) = await RequestBody.ReadAsync(request, MaxBodyBytes, ct);
        if (body is null)
        {
            return TypedResults.Problem($"The body is {seen} bytes or more; at most {MaxBodyBytes} are accepted. Split the file.", statusCode: StatusCodes.Status413PayloadTooLarge, title: "Body too large");
        }

        using var buffer = body;
        if (await catalog.GetAsync(ct) is not { } view)
        {
            return Problems.NoPlan();
        }

        IReadOnlyList<CommuteRow> rows;
        try
        {
            rows = CommuteFile.Parse(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        }
        catch (ObservationFileException e)
        {
            return TypedResults.Problem($"{e.Message}; nothing was imported.", statusCode: StatusCodes.Status400BadRequest, title: "Unreadable commuting file",
                extensions: new Dictionary<string, object?> { ["rows"] = new[] { new { line = 1, problem = e.Message } } });
        }

        var index = await jurisdictions.GetAsync(view, ct);
        var counties = index.IdsOf(PlanIndicators.ScopeLayers["county"]).ToHashSet(StringComparer.Ordinal);
        var validation = CommuteValidator.Validate(rows, counties, index.Resolve, time.GetUtcNow().Year);
        if (!validation.Ok)
        {
            return TypedResults.Problem(
                $"{validation.Problems.Count} of {rows.Count} rows are bad; nothing was imported. Fix the rows listed and send the whole file again.",
                statusCode: StatusCodes.Status400BadRequest, title: "Invalid commuting flows",
                extensions: new Dictionary<string, object?> { ["rows"] = validation.Problems.Select(p => new { line = p.Line, problem = p.Message }).ToList() });
        }

        if (!actor.IsRegionWide && validation.Valid.FirstOrDefault(f => !actor.ActsFor(f.Origin, index.ParentsOf(f.Origin)) && !actor.ActsFor(f.Destination, index.ParentsOf(f.Destination))) is { } foreign)
        {
            return TypedResults.Problem(
                $"{actor.Name} reports for {actor.Jurisdiction} and may import only flows that start or end there; {foreign.Origin} → {foreign.Destination} does neither. Nothing was imported.",
                statusCode: StatusCodes.Status403Forbidden, title: "Not allowed");
        }

        var result = await commuting.ImportCommuteFlowsAsync(validation.Valid, imported => new AuditRecord(actor.Name, "commuting.imported", view.Version.Id,
            new JsonObject { ["added"] = imported.Added, ["replaced"] = imported.Replaced.Count }.ToJsonString()), ct);
        return TypedResults.Ok(new CommuteImport(view.Version.Id, validation.Valid.Count, result.Added, result.Replaced.Count));
    }
}

/// <summary>What an OD import did: rows read, flows new to the store, flows that replaced a stored one.</summary>
public sealed record CommuteImport(string Version, int Rows, int Added, int Replaced);
