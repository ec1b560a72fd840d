using System.Globalization;
using System.Text.Json.Nodes;
using Metrocircle.Core.Access;
using Metrocircle.Core.Alignment;
using Metrocircle.Core.Cases;
using Metrocircle.Core.Ledger;
using Metrocircle.Core.Model;
using Metrocircle.Core.Storage;
using Metrocircle.Storage.Relational;
using Metrocircle.Web.Features.Amendments;
using Metrocircle.Web.Features.Ledger;
using Metrocircle.Web.Plan;
using NetTopologySuite.Geometries;

namespace Metrocircle.Cli;

/// <summary>
/// <c>--demo</c> of <c>serve</c> and <c>seed</c>: synthetic accounts for every role and jurisdiction level, and a few
/// projects, cases and checks in different states, so that a first-time visitor has something to try. Everything is
/// derived from the plan in force (jurisdictions, departments, categories; footprints are small squares around
/// interior points of its counties or on the border of two provinces, picked by a fixed order), written through the
/// same store calls and audit entries as real work, and marked synthetic in the data. Cases open and are decided through
/// the land ledger's case path of the web submission (<see cref="CaseHolds"/>): the open and the approved demo case lie
/// where they take new construction land when the plan keeps a ledger, so the first is held and the second posted. A
/// second run adds only what is missing; the one-time passwords are printed only when their accounts are created.
/// </summary>
internal static class DemoData
{
    /// <summary>Marks demo accounts (display names), cases (titles) and checks (attributes) as synthetic.</summary>
    public const string Mark = "[demo · synthetic 演示]";

    /// <summary>The shorter mark of account display names (which the page header shows next to the role).</summary>
    private const string AccountMark = "demo · synthetic";

    private const string Prefix = "demo-";

    /// <summary>Where an account acts: for the whole region or for itself, one per province, or the chosen city or county.</summary>
    private enum Binding
    {
        None,
        EachProvince,
        City,
        County,
        National,
    }

    /// <summary>One line of the demo set; adding a role or level is one more entry.</summary>
    private sealed record DemoAccount(string Name, Role Role, Binding Binding, string Description);

    private static readonly DemoAccount[] Accounts =
    [
        new("admin", Role.Administrator, Binding.None, "administrator"),
        new("office", Role.CoordinationOffice, Binding.None, "coordination office"),
        new("reviewer", Role.Reviewer, Binding.EachProvince, "reviewer"),
        new("city-reviewer", Role.Reviewer, Binding.City, "city reviewer"),
        new("county-reviewer", Role.Reviewer, Binding.County, "county reviewer"),
        new("national-reviewer", Role.NationalReviewer, Binding.National, "national reviewer"),
        new("proponent-1", Role.Proponent, Binding.None, "proponent"),
        new("proponent-2", Role.Proponent, Binding.None, "proponent"),
    ];

    /// <summary>What happens to a demo case after it is submitted.</summary>
    private enum Outcome
    {
        AwaitingReview,
        OneDecision,
        Approved,
        Rejected,
    }

    /// <summary>
    /// A demo case; <see cref="Category"/> is the project category its title calls for, used when the plan has it;
    /// <see cref="TakesLand"/>: its site takes new construction land (when the plan keeps a land ledger).
    /// </summary>
    private sealed record DemoCase(string Key, string Title, string Proponent, Outcome Outcome, string Category, bool TakesLand = false);

    // Every case is under review once submitted (there is no separate "submitted" state): the first waits for its
    // first decision, the second has one.
    private static readonly DemoCase[] Cases =
    [
        new("awaiting-review", "Community sports hall", "proponent-1", Outcome.AwaitingReview, "public-service", TakesLand: true),
        new("in-review", "Cross-boundary logistics depot", "proponent-2", Outcome.OneDecision, "logistics"),
        new("approved", "Neighbourhood clinic", "proponent-1", Outcome.Approved, "public-service", TakesLand: true),
        new("rejected", "Riverside warehouse extension", "proponent-2", Outcome.Rejected, "logistics"),
    ];

    /// <summary>Stored checks without a case, as a proponent leaves them when trying sites.</summary>
    private static readonly string[] Checks = ["check-1", "check-2", "check-3"];

    /// <summary>Half the side of a demo footprint, in metres.</summary>
    private const double HalfSideM = 150;

    public sealed record Created(string UserName, string Role, string? Jurisdiction, string? Department, string Password);

    public static async Task RunAsync(RelationalStore store, TextWriter output, CancellationToken ct)
    {
        var version = await store.GetCurrentVersionAsync(ct) ?? throw new CommandException($"{store.Description} holds no plan; --demo needs one (seed first)");
        var snapshot = await AuditVerb.LoadSnapshotAsync(store, ct);
        var plan = await DemoPlan.ReadAsync(store, version.Id, ct);
        var now = DateTimeOffset.UtcNow;

        await output.WriteLineAsync();
        await output.WriteLineAsync($"--demo: synthetic demonstration data {Mark}, derived from plan version {version.Id}; never use it for real decisions.");
        var created = new List<Created>();
        var actors = new Dictionary<string, Actor>(StringComparer.Ordinal);
        foreach (var spec in Accounts)
        {
            foreach (var (name, jurisdiction, department, where) in Expand(spec, plan))
            {
                var existing = await store.GetAccountAsync(name, ct);
                if (existing is null)
                {
                    var password = PasswordHasher.NewPassword();
                    var account = new Account(name, $"{spec.Description}{(where is null ? "" : ", " + where)} · {AccountMark}", spec.Role, jurisdiction, department,
                        PasswordHasher.Hash(password), false, true, now);
                    try
                    {
                        await store.AddAccountAsync(account, AccountRules.AuditOf(StoreOptions.Actor, "account.added", account), ct);
                        created.Add(new Created(name, Roles.Name(spec.Role), jurisdiction, department, password));
                        existing = account;
                    }
                    catch (StoreConflictException)
                    {
                        existing = await store.GetAccountAsync(name, ct);
                    }
                }

                if (existing is not null)
                {
                    actors[name] = existing.ToActor();
                }
            }
        }

        if (created.Count > 0)
        {
            await output.WriteLineAsync($"demo accounts (one-time passwords, shown only now; each must be changed at the first sign-in, within {Account.DefaultOneTimePasswordLifetime.TotalHours:0} hours unless the server sets another lifetime):");
            foreach (var c in created)
            {
                await output.WriteLineAsync($"  {c.UserName,-34} {c.Role,-20} {(c.Jurisdiction is null ? "" : c.Jurisdiction + " / " + c.Department),-34} {c.Password}");
            }
        }
        else
        {
            await output.WriteLineAsync("demo accounts: all present already (their passwords were printed when they were created; `metrocircle users reset-password NAME` issues new ones)");
        }

        var rules = ApprovalRules.Read(await AccountRules.RecordsAsync(store, version.Id, ApprovalRules.LayerId, ct));
        var sites = new DemoSites(snapshot, plan);
        // The web submission's ledger path: the same holds on opening, postings on approval, in the case's transaction.
        var catalog = new PlanCatalog(store);
        var holds = new CaseHolds(new LedgerBook(catalog, store), store, new SnapshotCache(catalog));
        var ledger = await LedgerPlan.LoadAsync(store, version.Id, ct);
        var reviewers = actors.Values.Where(a => a.Role is Role.Reviewer or Role.NationalReviewer or Role.CoordinationOffice).OrderBy(a => a.Name, StringComparer.Ordinal).ToList();
        var index = 0;
        foreach (var spec in Cases)
        {
            index++;
            var title = $"{Mark} {spec.Title}";
            var proponent = actors.GetValueOrDefault(Prefix + spec.Proponent);
            if (proponent is null)
            {
                continue;
            }

            var existing = await store.ListCasesAsync(new CaseQuery(Proponent: proponent.Name, Limit: 100), ct);
            if (existing.FirstOrDefault(c => c.File.Title == title) is { } found)
            {
                await output.WriteLineAsync($"demo case {found.File.Id} ({CaseWorkflow.Wire(found.File.Status)}): present already — {spec.Title}");
                continue;
            }

            var site = sites.Find(index, (footprint, verdict) => Fits(spec.Outcome, verdict, CaseWorkflow.Route("probe", 1, verdict, rules, now), reviewers)
                && (!spec.TakesLand || ledger is null || TakesConstructionLand(snapshot, footprint, ledger)), preferred: spec.Category);
            if (site is null)
            {
                await output.WriteLineAsync($"demo case \"{spec.Title}\": no site of this plan routes to reviewers the demo has; skipped");
                continue;
            }

            var check = await ProjectCheck.RunAsync(store, snapshot, site, proponent.Name, proponent.Name, now, ct);
            var open = CaseWorkflow.Open(CaseFile.NewId(), title, proponent,
                new CheckedSubmission(check.Id, check.Verdict, check.Document["footprint"]!, $"{Mark} A made-up project to try the co-approval workflow."), rules, now);
            if (open.Refusal is { } refusal)
            {
                await output.WriteLineAsync($"demo case \"{spec.Title}\": refused ({refusal.Message}); skipped");
                continue;
            }

            var opened = await holds.OpenAsync(open.File!, check.Document["footprint"]!, open.Audit, now, ct);
            var file = await DecideAsync(store, holds, opened, spec.Outcome, reviewers, rules, now, ct);
            var held = (await store.ListHoldsAsync(file.Id, ct)).GroupBy(h => h.Status).Select(g => $"{g.Sum(h => h.Amount).ToString("N0", CultureInfo.InvariantCulture)} m² {g.Key.ToString().ToLowerInvariant()}");
            await output.WriteLineAsync($"demo case {file.Id} ({CaseWorkflow.Wire(file.Status)}): {spec.Title}; {check.Verdict.Result} in {string.Join(", ", check.Verdict.Provinces.Select(p => p.Name))}, by {proponent.Name}"
                + (CaseHolds.Shortfall(file) is { } shortfall ? $"; land quota not covered: {shortfall.Message}" : held.Any() ? $"; ledger holds: {string.Join(", ", held)}" : ""));
        }

        await AddChecksAsync(store, snapshot, sites, actors, output, now, ct);
        await output.WriteLineAsync();
    }

    /// <summary>The accounts one entry stands for, with a name, binding and a readable place for each.</summary>
    private static IEnumerable<(string Name, string? Jurisdiction, string? Department, string? Where)> Expand(DemoAccount spec, DemoPlan plan)
    {
        switch (spec.Binding)
        {
            case Binding.None:
                yield return (Prefix + spec.Name, null, null, null);
                break;
            case Binding.EachProvince:
                foreach (var p in plan.Provinces)
                {
                    yield return (Prefix + spec.Name + "-" + p.Id, p.Id, plan.Department, p.Name);
                }

                break;
            case Binding.City when plan.City is { } city:
                yield return (Prefix + spec.Name, city.Id, plan.Department, city.Name);
                break;
            case Binding.County when plan.County is { } county:
                yield return (Prefix + spec.Name, county.Id, plan.Department, county.Name);
                break;
            case Binding.National:
                yield return (Prefix + spec.Name, null, plan.Department, "national");
                break;
        }
    }

    /// <summary>
    /// Whether a case with this verdict, routed to these tasks, can plausibly reach the outcome with the demo's
    /// reviewers: an approved project is not one the check found not aligned, a rejected one is not an aligned one.
    /// </summary>
    private static bool Fits(Outcome outcome, Verdict verdict, IReadOnlyList<ReviewTask> tasks, IReadOnlyList<Actor> reviewers) => outcome switch
    {
        Outcome.AwaitingReview => tasks.Count > 0 && tasks.All(t => reviewers.Any(r => CaseWorkflow.CanDecide(r, t))),
        Outcome.OneDecision => tasks.Count >= 2 && tasks.Any(t => t.Kind == ReviewKind.Jurisdiction && reviewers.Any(r => CaseWorkflow.CanDecide(r, t))),
        Outcome.Approved => verdict.Result != "not-aligned" && Assign(tasks, reviewers) is not null,
        Outcome.Rejected => verdict.Result != "aligned" && tasks.Any(t => reviewers.Any(r => CaseWorkflow.CanDecide(r, t))),
        _ => false,
    };

    /// <summary>Whether the footprint takes land of a ledger kind taken outside a layer kind (new construction land).</summary>
    private static bool TakesConstructionLand(PlanSnapshot snapshot, Footprint footprint, LedgerPlan ledger) =>
        LedgerTakings.Compute(snapshot, footprint.Metric, ledger.Settings)
            .Any(t => ledger.Jurisdictions.ContainsKey(t.Jurisdiction) && ledger.Settings.Kind(t.Kind)?.TakenOutsideKind is not null);

    /// <summary>A different reviewer for every task (one account decides one task of a revision), or null.</summary>
    private static List<(ReviewTask Task, Actor Reviewer)>? Assign(IReadOnlyList<ReviewTask> tasks, IReadOnlyList<Actor> reviewers)
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        var assignment = new List<(ReviewTask, Actor)>();
        foreach (var task in tasks)
        {
            var reviewer = reviewers.FirstOrDefault(r => !used.Contains(r.Name) && CaseWorkflow.CanDecide(r, task));
            if (reviewer is null)
            {
                return null;
            }

            used.Add(reviewer.Name);
            assignment.Add((task, reviewer));
        }

        return assignment;
    }

    private static async Task<CaseFile> DecideAsync(ICaseStore store, CaseHolds holds, CaseFile file, Outcome outcome, IReadOnlyList<Actor> reviewers, ApprovalRules rules,
        DateTimeOffset now, CancellationToken ct)
    {
        var decisions = outcome switch
        {
            Outcome.OneDecision => [(file.Tasks.First(t => t.Kind == ReviewKind.Jurisdiction && reviewers.Any(r => CaseWorkflow.CanDecide(r, t))), DecisionKind.Approve,
                "Demo decision: the site fits the local plan.")],
            Outcome.Approved => Assign(file.Tasks, reviewers)!.Select(a => (a.Task, DecisionKind.Approve, "Demo decision: no objection.")).ToList(),
            Outcome.Rejected => [(file.Tasks.First(t => reviewers.Any(r => CaseWorkflow.CanDecide(r, t))), DecisionKind.Reject,
                "Demo decision: the site conflicts with the protected land nearby.")],
            _ => new List<(ReviewTask, DecisionKind, string)>(),
        };
        var version = 1L;
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (task, kind, reason) in decisions)
        {
            var reviewer = reviewers.First(r => !used.Contains(r.Name) && CaseWorkflow.CanDecide(r, task));
            used.Add(reviewer.Name);
            var change = CaseWorkflow.Decide(file, reviewer, task.Id, kind, $"{Mark} {reason}", file.Revision, rules, now);
            if (change.Refusal is not null || file.IsClosed)
            {
                break;
            }

            // As the case endpoints do: the ledger writes the case with its postings or releases when the decision moves it.
            var commit = await holds.CommitAsync(new StoredCase(file, version), change, reviewer, ct);
            if (commit.Handled)
            {
                if (commit.Problem is not null)
                {
                    break;
                }

                version = commit.Version;
                file = commit.Written ?? change.File!;
                continue;
            }

            version = await store.UpdateCaseAsync(change.File!, version, change.Audit, ct);
            file = change.File!;
        }

        return file;
    }

    private static async Task AddChecksAsync(RelationalStore store, PlanSnapshot snapshot, DemoSites sites, Dictionary<string, Actor> actors, TextWriter output,
        DateTimeOffset now, CancellationToken ct)
    {
        if (actors.GetValueOrDefault(Prefix + "proponent-1") is not { } proponent)
        {
            return;
        }

        var present = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var (_, json) in store.StreamDocumentsAsync(CheckDocument.Kind, ct))
        {
            if (json.Contains("\"demo\"", StringComparison.Ordinal) && JsonNode.Parse(json)?["attributes"]?["demo"]?.GetValue<string>() is { } key)
            {
                present.Add(key);
            }
        }

        var index = Cases.Length;
        foreach (var key in Checks)
        {
            index++;
            if (present.Contains(key))
            {
                await output.WriteLineAsync($"demo check {key}: present already");
                continue;
            }

            if (sites.Find(index, (_, _) => true, key) is not { } site)
            {
                continue;
            }

            var check = await ProjectCheck.RunAsync(store, snapshot, site, proponent.Name, proponent.Name, now, ct);
            await output.WriteLineAsync($"demo check {check.Id}: {check.Verdict.Result}, {check.Verdict.CategoryName}, {check.Verdict.AreaHa.ToString("0.#", CultureInfo.InvariantCulture)} ha, by {proponent.Name}");
        }
    }

    /// <summary>The jurisdictions the demo binds accounts to, and the department its reviewers act for.</summary>
    internal sealed record DemoPlan(IReadOnlyList<Place> Provinces, Place? City, Place? County, IReadOnlyList<Place> Counties, string Department, string DepartmentName)
    {
        /// <summary>Department a reviewer acts for: natural resources when the approval rules list it (it reviews land), else the first they list.</summary>
        private const string PreferredDepartment = "natural-resources";

        public static async Task<DemoPlan> ReadAsync(IPlanStore store, string versionId, CancellationToken ct)
        {
            async Task<List<Place>> Layer(string id)
            {
                var list = new List<Place>();
                await foreach (var f in store.StreamFeaturesAsync(versionId, id, ct))
                {
                    list.Add(new Place(f.Id, Text(f, "nameEn") ?? Text(f, "name") ?? f.Id, Text(f, "parent"), f.Geometry));
                }

                return [.. list.OrderBy(p => p.Id, StringComparer.Ordinal)];
            }

            var provinces = await Layer("provinces");
            var cities = await Layer("cities");
            var counties = await Layer("counties");
            var rules = ApprovalRules.Read(await AccountRules.RecordsAsync(store, versionId, ApprovalRules.LayerId, ct));
            var department = rules.Departments.ContainsKey(PreferredDepartment) ? PreferredDepartment
                : rules.Departments.Keys.Order(StringComparer.Ordinal).FirstOrDefault() ?? PreferredDepartment;

            // The first city (by id) that has counties, and its first county, so that the city reviewer sees the county's cases.
            var city = cities.FirstOrDefault(c => counties.Any(k => k.Parent == c.Id)) ?? cities.FirstOrDefault();
            var county = counties.FirstOrDefault(k => city is not null && k.Parent == city.Id) ?? counties.FirstOrDefault();
            return new DemoPlan(provinces, city, county, counties, department, rules.Departments.GetValueOrDefault(department, department));
        }

        private static string? Text(PlanFeature f, string name) => f.Properties[name] is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 ? s : null;
    }

    internal sealed record Place(string Id, string Name, string? Parent, Geometry? Geometry);

    /// <summary>
    /// Candidate footprints in a fixed order: a square on each border between two provinces (provinces by id), then one
    /// around the interior point of each county (counties by id); each tried with the plan's categories in id order, starting at a
    /// different category for each demo item so that they differ.
    /// </summary>
    private sealed class DemoSites(PlanSnapshot snapshot, DemoPlan plan)
    {
        private const int MaxTries = 600;
        private readonly HashSet<int> _used = [];
        private List<Geometry>? _squares;

        public Footprint? Find(int item, Func<Footprint, Verdict, bool> fits, string? key = null, string? preferred = null)
        {
            var categories = snapshot.Categories.Values.Where(c => !c.Linear).Select(c => c.Id).Order(StringComparer.Ordinal).ToList();
            if (categories.Count == 0)
            {
                return null;
            }

            // The category the item's title calls for first, on every site; any category only if none fits.
            return preferred is not null && categories.Contains(preferred) && Search(item, [preferred], fits, key) is { } fitting
                ? fitting
                : Search(item, categories, fits, key);
        }

        private Footprint? Search(int item, List<string> categories, Func<Footprint, Verdict, bool> fits, string? key)
        {
            var squares = _squares ??= Squares();

            var tries = 0;
            for (var s = 0; s < squares.Count && tries < MaxTries; s++)
            {
                // Each demo item starts at another place in the list, so the cases do not pile up in one place.
                var at = (s + item) % squares.Count;
                if (_used.Contains(at))
                {
                    continue;
                }

                for (var c = 0; c < categories.Count && tries < MaxTries; c++, tries++)
                {
                    var category = categories[(c + item) % categories.Count];
                    var attributes = new JsonObject { ["demo"] = key ?? "case", ["synthetic"] = true, ["note"] = $"{Mark} made-up project footprint" };
                    var (footprint, problem) = Footprint.Create(squares[at], category, null, attributes, snapshot);
                    if (problem is null && fits(footprint!, AlignmentChecker.Check(snapshot, footprint!)))
                    {
                        _used.Add(at);
                        return footprint;
                    }
                }
            }

            return null;
        }

        private List<Geometry> Squares()
        {
            var factory = new GeometryFactory(new PrecisionModel(), 4326);
            var centres = new List<Coordinate>();
            for (var i = 0; i < plan.Provinces.Count; i++)
            {
                for (var j = i + 1; j < plan.Provinces.Count; j++)
                {
                    if (plan.Provinces[i].Geometry is { } a && plan.Provinces[j].Geometry is { } b && a.Intersects(b)
                        && a.Boundary.Intersection(b.Boundary) is { IsEmpty: false } border)
                    {
                        centres.Add(border.Coordinates[border.Coordinates.Length / 2]);
                    }
                }
            }

            foreach (var county in plan.Counties.Where(k => k.Geometry is { IsEmpty: false }))
            {
                centres.Add(county.Geometry!.InteriorPoint.Coordinate);
            }

            return [.. centres.Select(c => Square(factory, c))];
        }

        private static Polygon Square(GeometryFactory factory, Coordinate c)
        {
            var dy = HalfSideM / 111_320.0;
            var dx = dy / Math.Cos(c.Y * Math.PI / 180);
            return factory.CreatePolygon([new(c.X - dx, c.Y - dy), new(c.X + dx, c.Y - dy), new(c.X + dx, c.Y + dy), new(c.X - dx, c.Y + dy), new(c.X - dx, c.Y - dy)]);
        }
    }
}
