using System.Text.Json.Nodes;
using Metrocircle.Core.Access;
using Metrocircle.Core.Alignment;
using Metrocircle.Core.Audit;
using Metrocircle.Core.Cases;
using Metrocircle.Core.Storage;

namespace Metrocircle.Storage.Tests;

/// <summary>Accounts, sessions and cases: the behaviour every engine must show, on a fresh, empty store each.</summary>
public abstract class ApprovalStoreContract
{
    protected abstract Task<IPlanStore> CreateStoreAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private async Task<IPlanStore> MigratedAsync()
    {
        var store = await CreateStoreAsync();
        await store.MigrateAsync(Ct);
        return store;
    }

    private static Account Account(string name, Role role = Role.Proponent, string? jurisdiction = null, string? department = null) =>
        new(name, name.ToUpperInvariant(), role, jurisdiction, department, PasswordHasher.Hash("not-a-real-password", 1_000), false, false, T0);

    private static AuditRecord Audit(string action, string subject) => new("admin", action, subject, "{}");

    private static async Task<List<AuditEntry>> AuditOf(IPlanStore store)
    {
        var entries = new List<AuditEntry>();
        await foreach (var e in ((IAuditLog)store).ReadAuditAsync(Ct))
        {
            entries.Add(e);
        }

        return entries;
    }

    private static CaseFile NewCase(string id, string proponent, params string[] provinces)
    {
        var verdict = new Verdict("aligned", "plan@1", "2026.1", "sha256:x", "housing", "Housing", 10, [],
            [.. provinces.Select(p => new ShareOfPlace("provinces", p, p, null, 1, 1.0 / provinces.Length))], [], [], [], [], []);
        var change = CaseWorkflow.Open(id, "Test project", new Actor(proponent, Role.Proponent),
            new CheckedSubmission("chk-" + id, verdict, JsonNode.Parse("""{"type":"Point","coordinates":[116.4,39.9]}""")!, null), ApprovalRules.Default, T0);
        return change.File!;
    }

    [Fact]
    public async Task adds_reads_and_lists_accounts_and_records_each_addition_in_the_audit_log()
    {
        await using var store = await MigratedAsync();
        var accounts = (IAccountStore)store;
        Assert.Equal(0, await accounts.CountAccountsAsync(Ct));
        var reviewer = Account("hb-nr", Role.Reviewer, Jurisdictions.Hebei, "natural-resources");
        await accounts.AddAccountAsync(reviewer, Audit("account.added", "hb-nr"), Ct);
        await accounts.AddAccountAsync(Account("acme"), Audit("account.added", "acme"), Ct);
        Assert.Equal(reviewer, await accounts.GetAccountAsync("hb-nr", Ct));
        Assert.Null(await accounts.GetAccountAsync("nobody", Ct));
        Assert.Equal(["acme", "hb-nr"], (await accounts.ListAccountsAsync(Ct)).Select(a => a.UserName));
        Assert.Equal(["account.added/hb-nr", "account.added/acme"], (await AuditOf(store)).Select(e => $"{e.Action}/{e.Subject}"));
    }

    [Fact]
    public async Task a_second_account_with_the_same_name_is_refused_and_leaves_no_audit_entry()
    {
        await using var store = await MigratedAsync();
        var accounts = (IAccountStore)store;
        await accounts.AddAccountAsync(Account("acme"), Audit("account.added", "acme"), Ct);
        var e = await Assert.ThrowsAsync<StoreConflictException>(() => accounts.AddAccountAsync(Account("acme", Role.Administrator), Audit("account.added", "acme"), Ct));
        Assert.Contains("acme exists already", e.Message);
        Assert.Equal(Role.Proponent, (await accounts.GetAccountAsync("acme", Ct))!.Role);
        Assert.Single(await AuditOf(store));
    }

    [Fact]
    public async Task disabling_an_account_ends_its_sessions_in_the_same_change()
    {
        await using var store = await MigratedAsync();
        var accounts = (IAccountStore)store;
        var acme = Account("acme");
        await accounts.AddAccountAsync(acme, Audit("account.added", "acme"), Ct);
        var session = new Session("hash-1", "acme", Session.Bearer, T0, T0.AddHours(8));
        await accounts.AddSessionAsync(session, Audit("signed-in", "acme"), Ct);
        var found = await accounts.FindSessionAsync("hash-1", Ct);
        Assert.Equal(session, found?.Session);
        Assert.Equal(acme, found?.Account);

        await accounts.UpdateAccountAsync(acme, acme with { Disabled = true }, revokeSessions: true, Audit("account.disabled", "acme"), Ct);
        Assert.Null(await accounts.FindSessionAsync("hash-1", Ct));
        Assert.True((await accounts.GetAccountAsync("acme", Ct))!.Disabled);
        await Assert.ThrowsAsync<StoreConflictException>(() => accounts.UpdateAccountAsync(Account("ghost"), Account("ghost") with { Disabled = true }, false, Audit("account.updated", "ghost"), Ct));
        Assert.Equal(3, (await AuditOf(store)).Count);
    }

    [Fact]
    public async Task a_password_change_written_after_a_disable_it_did_not_see_is_refused_and_the_account_stays_disabled()
    {
        // Issue 11: a password change racing an administrator's disable used to write the whole row it had read, undoing the disable.
        await using var store = await MigratedAsync();
        var accounts = (IAccountStore)store;
        var acme = Account("acme");
        await accounts.AddAccountAsync(acme, Audit("account.added", "acme"), Ct);
        var readByPasswordChange = (await accounts.GetAccountAsync("acme", Ct))!;
        await AccountRules.UpdateLatestAsync(accounts, "acme", a => a with { Disabled = true }, a => Audit("account.disabled", "acme"), Ct);

        var stale = accounts.UpdateAccountAsync(readByPasswordChange, readByPasswordChange with { PasswordHash = "new-hash", MustChangePassword = false }, true, Audit("password.changed", "acme"), Ct);
        var refused = await Assert.ThrowsAsync<StoreConflictException>(() => stale);
        Assert.Contains("changed since it was read", refused.Message, StringComparison.Ordinal);
        var now = (await accounts.GetAccountAsync("acme", Ct))!;
        Assert.True(now.Disabled);
        Assert.Equal(acme.PasswordHash, now.PasswordHash);
        Assert.DoesNotContain(await AuditOf(store), e => e.Action == "password.changed");
    }

    [Fact]
    public async Task an_update_writes_only_the_fields_it_changes()
    {
        await using var store = await MigratedAsync();
        var accounts = (IAccountStore)store;
        var acme = Account("acme");
        await accounts.AddAccountAsync(acme, Audit("account.added", "acme"), Ct);
        await accounts.UpdateAccountAsync(acme, acme with { DisplayName = "ACME Logistics" }, false, Audit("account.renamed", "acme"), Ct);

        // A second writer that read before the rename changes another field: the rename is kept.
        await accounts.UpdateAccountAsync(acme, acme with { Department = "natural-resources" }, false, Audit("account.moved", "acme"), Ct);
        var now = (await accounts.GetAccountAsync("acme", Ct))!;
        Assert.Equal("ACME Logistics", now.DisplayName);
        Assert.Equal("natural-resources", now.Department);
    }

    [Fact]
    public async Task a_revoked_session_is_gone_and_its_end_is_audited()
    {
        await using var store = await MigratedAsync();
        var accounts = (IAccountStore)store;
        await accounts.AddAccountAsync(Account("acme"), Audit("account.added", "acme"), Ct);
        await accounts.AddSessionAsync(new Session("hash-2", "acme", Session.Cookie, T0, T0.AddHours(8)), Audit("signed-in", "acme"), Ct);
        await accounts.RevokeSessionAsync("hash-2", Audit("signed-out", "acme"), Ct);
        Assert.Null(await accounts.FindSessionAsync("hash-2", Ct));
        Assert.Equal("signed-out", (await AuditOf(store))[^1].Action);
    }

    [Fact]
    public async Task a_case_is_stored_whole_and_each_update_raises_its_version()
    {
        await using var store = await MigratedAsync();
        var cases = (ICaseStore)store;
        var file = NewCase("case-a", "acme", Jurisdictions.Beijing, Jurisdictions.Hebei);
        await cases.CreateCaseAsync(file, [Audit("case.submitted", "case-a")], Ct);
        var stored = await cases.GetCaseAsync("case-a", Ct);
        Assert.Equal(1, stored!.Version);
        Assert.Equal(CaseJson.Serialize(file), CaseJson.Serialize(stored.File));

        var decided = CaseWorkflow.Decide(stored.File, new Actor("bj", Role.Reviewer, Jurisdictions.Beijing, "development-reform"), stored.File.Tasks[0].Id,
            DecisionKind.Approve, null, 1, ApprovalRules.Default, T0.AddHours(1));
        Assert.Equal(2, await cases.UpdateCaseAsync(decided.File!, 1, decided.Audit, Ct));
        var again = await cases.GetCaseAsync("case-a", Ct);
        Assert.Equal(2, again!.Version);
        Assert.Single(again.File.Decisions);
        Assert.Null(await cases.GetCaseAsync("case-zz", Ct));
        await Assert.ThrowsAsync<StoreConflictException>(() => cases.CreateCaseAsync(file, [], Ct));
    }

    [Fact]
    public async Task a_write_from_a_stale_version_is_refused_and_changes_nothing()
    {
        await using var store = await MigratedAsync();
        var cases = (ICaseStore)store;
        var file = NewCase("case-b", "acme", Jurisdictions.Beijing);
        await cases.CreateCaseAsync(file, [Audit("case.submitted", "case-b")], Ct);
        await cases.UpdateCaseAsync(file with { Title = "First writer" }, 1, [Audit("case.edited", "case-b")], Ct);
        var e = await Assert.ThrowsAsync<StoreConflictException>(() => cases.UpdateCaseAsync(file with { Title = "Stale writer" }, 1, [Audit("case.edited", "case-b")], Ct));
        Assert.Contains("changed since version 1", e.Message);
        var stored = await cases.GetCaseAsync("case-b", Ct);
        Assert.Equal(("First writer", 2L), (stored!.File.Title, stored.Version));
        Assert.Equal(2, (await AuditOf(store)).Count);
    }

    [Fact]
    public async Task many_reviewers_deciding_at_once_lose_no_decision()
    {
        await using var store = await MigratedAsync();
        var cases = (ICaseStore)store;
        string[] provinces = [.. Enumerable.Range(1, 12).Select(i => $"p{i:00}")];
        var file = NewCase("case-c", "acme", provinces);
        var rules = ApprovalRules.Default with { Required = new HashSet<ReviewKind> { ReviewKind.Jurisdiction, ReviewKind.Coordination } };
        await cases.CreateCaseAsync(file, [Audit("case.submitted", "case-c")], Ct);

        // Every province's reviewer decides at the same moment, re-reading and re-applying when another got there first.
        var conflicts = 0;
        await Parallel.ForEachAsync(provinces, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Ct }, async (province, ct) =>
        {
            var reviewer = new Actor("rev-" + province, Role.Reviewer, province, "development-reform");
            while (true)
            {
                var current = (await cases.GetCaseAsync("case-c", ct))!;
                var task = current.File.Tasks.Single(t => t.Jurisdiction == province);
                var change = CaseWorkflow.Decide(current.File, reviewer, task.Id, DecisionKind.Approve, null, 1, rules, T0.AddHours(1));
                Assert.Null(change.Refusal);
                try
                {
                    await cases.UpdateCaseAsync(change.File!, current.Version, change.Audit, ct);
                    return;
                }
                catch (StoreConflictException)
                {
                    Interlocked.Increment(ref conflicts);
                }
            }
        });

        var final = (await cases.GetCaseAsync("case-c", Ct))!;
        Assert.Equal(1 + provinces.Length, final.Version);
        Assert.Equal(provinces.Order(), final.File.Decisions.Select(d => d.Actor[4..]).Order());
        Assert.All(final.File.Tasks.Where(t => t.Kind == ReviewKind.Jurisdiction), t => Assert.Equal(ReviewStatus.Approved, t.Status));
        var audit = await AuditOf(store);
        Assert.Equal(1 + provinces.Length, audit.Count);
        Assert.True((await AuditVerifier.VerifyAsync(((IAuditLog)store).ReadAuditAsync(Ct), Ct)).Intact);
    }

    [Fact]
    public async Task lists_cases_by_proponent_by_open_task_of_a_jurisdiction_and_finds_overdue_ones()
    {
        await using var store = await MigratedAsync();
        var cases = (ICaseStore)store;
        var a = NewCase("case-1", "acme", Jurisdictions.Beijing, Jurisdictions.Hebei);
        var b = NewCase("case-2", "bolt", Jurisdictions.Tianjin);
        await cases.CreateCaseAsync(a, [], Ct);
        await cases.CreateCaseAsync(b with { UpdatedAt = T0.AddMinutes(1) }, [], Ct);
        var decided = CaseWorkflow.Decide(a, new Actor("bj", Role.Reviewer, Jurisdictions.Beijing, "x"), a.Tasks.Single(t => t.Jurisdiction == Jurisdictions.Beijing).Id,
            DecisionKind.Approve, null, 1, ApprovalRules.Default, T0.AddMinutes(2)).File!;
        await cases.UpdateCaseAsync(decided, 1, [], Ct);

        Assert.Equal(["case-1"], (await cases.ListCasesAsync(new CaseQuery(Proponent: "acme"), Ct)).Select(c => c.File.Id));
        Assert.Equal(["case-1", "case-2"], (await cases.ListCasesAsync(new CaseQuery(), Ct)).Select(c => c.File.Id));
        Assert.Equal(["case-1"], (await cases.ListCasesAsync(new CaseQuery(TaskJurisdiction: Jurisdictions.Beijing), Ct)).Select(c => c.File.Id));
        Assert.Empty(await cases.ListCasesAsync(new CaseQuery(TaskJurisdiction: Jurisdictions.Beijing, OpenTaskFor: true), Ct));
        Assert.Equal(["case-1"], (await cases.ListCasesAsync(new CaseQuery(TaskJurisdiction: Jurisdictions.Hebei, OpenTaskFor: true), Ct)).Select(c => c.File.Id));
        Assert.Equal(["case-1"], (await cases.ListCasesAsync(new CaseQuery(Status: CaseStatus.UnderReview, Limit: 1), Ct)).Select(c => c.File.Id));

        Assert.Empty(await cases.OverdueCaseIdsAsync(T0.AddDays(19), Ct));
        Assert.Equal(["case-1", "case-2"], await cases.OverdueCaseIdsAsync(T0.AddDays(21), Ct));
        var escalated = CaseWorkflow.Escalate(decided, T0.AddDays(21))!.File!;
        await cases.UpdateCaseAsync(escalated, 2, [], Ct);
        Assert.Equal(["case-2"], await cases.OverdueCaseIdsAsync(T0.AddDays(21), Ct));
        Assert.Equal(["case-1"], (await cases.ListCasesAsync(new CaseQuery(EscalatedOnly: true), Ct)).Select(c => c.File.Id));
    }

    [Fact]
    public async Task issue_16_lists_cases_with_a_task_of_a_county_below_a_city_and_the_national_tasks_of_a_department()
    {
        await using var store = await MigratedAsync();
        var cases = (ICaseStore)store;
        var county = NewCase("case-county", "acme", Jurisdictions.Hebei);
        county = county with
        {
            Tasks = [.. county.Tasks, new ReviewTask("case-county-r1-county", 1, ReviewKind.Department, Jurisdictions.Zhuozhou, "natural-resources", "Natural resources, Zhuozhou",
                [], T0.AddDays(20), ReviewStatus.Open, Level: JurisdictionLevels.County, ParentJurisdiction: Jurisdictions.Baoding)],
        };
        var national = NewCase("case-national", "acme", Jurisdictions.Tianjin);
        national = national with
        {
            Tasks = [.. national.Tasks, new ReviewTask("case-national-r1-national", 1, ReviewKind.Department, null, "natural-resources", "Natural resources, national",
                [], T0.AddDays(20), ReviewStatus.Open, Level: JurisdictionLevels.National)],
        };
        await cases.CreateCaseAsync(county, [], Ct);
        await cases.CreateCaseAsync(national, [], Ct);

        Assert.Empty(await cases.ListCasesAsync(new CaseQuery(TaskJurisdiction: Jurisdictions.Baoding), Ct));
        Assert.Equal(["case-county"], (await cases.ListCasesAsync(new CaseQuery(TaskJurisdiction: Jurisdictions.Baoding, OpenTaskFor: true,
            AlsoJurisdictions: [Jurisdictions.Laishui, Jurisdictions.Zhuozhou]), Ct)).Select(c => c.File.Id));
        Assert.Equal(["case-national"], (await cases.ListCasesAsync(new CaseQuery(NationalDepartment: "natural-resources", OpenTaskFor: true), Ct)).Select(c => c.File.Id));
        Assert.Empty(await cases.ListCasesAsync(new CaseQuery(NationalDepartment: "water"), Ct));
        var stored = (await cases.GetCaseAsync("case-county", Ct))!.File.Tasks.Single(t => t.Level == JurisdictionLevels.County);
        Assert.Equal(Jurisdictions.Baoding, stored.ParentJurisdiction);
    }

    [Fact]
    public async Task issue_11_lists_cases_a_page_at_a_time_by_key_and_the_office_inbox_in_sql()
    {
        await using var store = await MigratedAsync();
        var cases = (ICaseStore)store;

        // Seven cases, two of them changed at the same instant, so the key must break ties by id.
        for (var i = 0; i < 7; i++)
        {
            var file = NewCase($"case-{i}", "acme", i % 2 == 0 ? new[] { Jurisdictions.Beijing } : new[] { Jurisdictions.Beijing, Jurisdictions.Hebei });
            await cases.CreateCaseAsync(file with { UpdatedAt = T0.AddMinutes(i == 6 ? 5 : i).AddTicks(i == 4 ? 7 : 0) }, [], Ct);
        }

        var seen = new List<string>();
        CasePageKey? after = null;
        for (var pages = 0; pages < 10; pages++)
        {
            var page = await cases.ListCasesAsync(new CaseQuery(Limit: 3, After: after), Ct);
            seen.AddRange(page.Select(c => c.File.Id));
            if (page.Count < 3)
            {
                break;
            }

            after = new CasePageKey(page[^1].File.UpdatedAt, page[^1].File.Id);
        }

        Assert.Equal(["case-6", "case-5", "case-4", "case-3", "case-2", "case-1", "case-0"], seen);

        // The office decides coordination tasks (cases across provinces here) and tasks escalated to it.
        Assert.Equal(["case-5", "case-3", "case-1"], (await cases.ListCasesAsync(new CaseQuery(OpenForOffice: true), Ct)).Select(c => c.File.Id));
        var stored = (await cases.GetCaseAsync("case-4", Ct))!;
        await cases.UpdateCaseAsync(CaseWorkflow.Escalate(stored.File, T0.AddDays(21))!.File! with { UpdatedAt = T0.AddMinutes(30) }, stored.Version, [], Ct);
        Assert.Equal(["case-4", "case-5", "case-3", "case-1"], (await cases.ListCasesAsync(new CaseQuery(OpenForOffice: true), Ct)).Select(c => c.File.Id));
    }
}
