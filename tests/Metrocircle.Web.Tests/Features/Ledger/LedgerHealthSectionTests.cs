using System.Net;
using System.Text;
using Metrocircle.Core.Ledger;
using Metrocircle.Web.Features.Ledger;
using Metrocircle.Web.Tests.Infrastructure;

namespace Metrocircle.Web.Tests.Features.Ledger;

/// <summary>The health check's land-quota section: used against granted, and the warning where the trend of use reaches the total before the period ends (issue 13 item 7).</summary>
public sealed class LedgerHealthSectionTests(SeededServer server)
{
    private const string Kind = "new-construction-land";
    private static readonly LedgerPeriod Period = new("2026-2030", "Fifteenth", new DateOnly(2026, 1, 1), new DateOnly(2030, 12, 31));
    private static readonly LedgerPeriod Later = new("2031-2035", "Sixteenth", new DateOnly(2031, 1, 1), new DateOnly(2035, 12, 31));

    private static LedgerAccount Jurisdiction(string j, string period = "2026-2030") => LedgerAccount.For(Kind, period, LedgerRole.Jurisdiction, j, false);

    private static readonly LedgerAccount Used = LedgerAccount.For(Kind, "2026-2030", LedgerRole.Used, null, false);

    private static LedgerTransaction Use(long seq, DateOnly day, string jurisdiction, long amount) =>
        new(seq, new DateTimeOffset(day.ToDateTime(new TimeOnly(10, 0)), TimeSpan.Zero), "office", "consumption", "land taken", "c" + seq, null, null,
            [new LedgerPosting(Jurisdiction(jurisdiction).Id, -amount), new LedgerPosting(Used.Id, amount)]);

    /// <summary>Zhuozhou used 600 of its 1,000 m² in the first 18 months (on course to run out in 2029); Laishui 100 of 1,000; Sanhe used up its 200.</summary>
    private static LedgerHealthInput Input(bool synthetic = true)
    {
        var settings = new LedgerSettings(
            [new LedgerKind(Kind, "New construction land quota", null, false, null, null, new Dictionary<string, long> { ["2026-2030"] = 3_000, ["2031-2035"] = 3_000 })],
            [Period, Later], new LedgerOpeningRule("counties", "areaKm2", 0.1, synthetic));
        var places = new[] { Jurisdictions.Zhuozhou, Jurisdictions.Laishui, Jurisdictions.Sanhe }
            .ToDictionary(j => j, j => new LedgerJurisdiction(j, "county " + j, Jurisdictions.Hebei, "Hebei", null));
        var plan = new LedgerPlan("v1", settings, places);
        var balances = new List<LedgerBalance>
        {
            new(Jurisdiction(Jurisdictions.Zhuozhou), 400, 50),
            new(Jurisdiction(Jurisdictions.Laishui), 900, 0),
            new(Jurisdiction(Jurisdictions.Sanhe), 0, 0),
            new(Jurisdiction(Jurisdictions.Zhuozhou, "2031-2035"), 1_000, 0),
            new(Used, 900, 0),
        };
        var uses = new List<LedgerTransaction>
        {
            Use(1, new DateOnly(2026, 7, 1), Jurisdictions.Zhuozhou, 300),
            Use(2, new DateOnly(2027, 6, 30), Jurisdictions.Zhuozhou, 300),
            Use(3, new DateOnly(2026, 9, 1), Jurisdictions.Laishui, 100),
            Use(4, new DateOnly(2027, 3, 1), Jurisdictions.Sanhe, 200),
        };
        return new LedgerHealthInput(plan, balances, uses, new DateOnly(2027, 6, 30));
    }

    [Fact]
    public void granted_is_the_balance_plus_what_was_used_and_only_begun_periods_count()
    {
        var rows = LedgerHealthSection.Evaluate(Input()).ToDictionary(r => r.Account.Jurisdiction!);
        Assert.Equal(3, rows.Count); // the 2031-2035 account has not begun on 2027-06-30
        Assert.Equal((1_000L, 600L, 50L), (rows[Jurisdictions.Zhuozhou].Granted, rows[Jurisdictions.Zhuozhou].Used, rows[Jurisdictions.Zhuozhou].Held));
        Assert.Equal((1_000L, 100L), (rows[Jurisdictions.Laishui].Granted, rows[Jurisdictions.Laishui].Used));
        Assert.Equal((200L, 200L), (rows[Jurisdictions.Sanhe].Granted, rows[Jurisdictions.Sanhe].Used));
    }

    [Fact]
    public void a_jurisdiction_whose_trend_reaches_its_total_before_the_period_ends_is_warned_and_a_slow_one_is_not()
    {
        var rows = LedgerHealthSection.Evaluate(Input()).ToDictionary(r => r.Account.Jurisdiction!);
        var fast = rows[Jurisdictions.Zhuozhou];
        Assert.True(fast.Warning);
        // Points (0, 0), (181, 300), (545, 600), (545, 600): slope ≈ 1.04 m²/day; 1,000 m² is reached around day 919, in July 2028.
        Assert.InRange(fast.Reaches!.Value, new DateOnly(2028, 3, 1), new DateOnly(2028, 9, 30));
        var slow = rows[Jurisdictions.Laishui];
        Assert.False(slow.Warning);
        Assert.True(slow.Reaches > Period.To);
        Assert.True(rows[Jurisdictions.Sanhe].Warning); // used up
    }

    [Fact]
    public void a_jurisdiction_that_used_nothing_has_no_trend_and_no_warning()
    {
        Assert.Null(LedgerHealthSection.Reaches(Period, new DateOnly(2027, 6, 30), [], 1_000));
        var input = Input() with { Uses = [] };
        Assert.All(LedgerHealthSection.Evaluate(input), r => Assert.False(r.Warning));
    }

    [Fact]
    public void the_section_lists_used_against_granted_warns_and_says_the_openings_are_synthetic()
    {
        var html = new StringBuilder();
        LedgerHealthSection.Render(html, Input());
        var text = html.ToString();
        Assert.Contains("<h2 id=\"ledger\">", text, StringComparison.Ordinal);
        Assert.Contains("SYNTHETIC", text, StringComparison.Ordinal);
        var warnings = text[text.IndexOf("id=\"ledger-warnings\"", StringComparison.Ordinal)..];
        Assert.Contains(Jurisdictions.Zhuozhou, warnings, StringComparison.Ordinal);
        Assert.Contains(Jurisdictions.Sanhe, warnings, StringComparison.Ordinal);
        Assert.DoesNotContain(Jurisdictions.Laishui, warnings, StringComparison.Ordinal);
        Assert.Contains("used up", warnings, StringComparison.Ordinal);
        Assert.Contains("60%", text, StringComparison.Ordinal); // Zhuozhou: 600 of 1,000

        var quiet = new StringBuilder();
        LedgerHealthSection.Render(quiet, Input(synthetic: false) with { Uses = [] });
        Assert.DoesNotContain("SYNTHETIC", quiet.ToString(), StringComparison.Ordinal);
        Assert.Contains("No jurisdiction's trend of use reaches", quiet.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task the_health_check_over_http_carries_the_section_in_full_for_the_office_and_without_accounts_for_a_proponent()
    {
        var year = DateTime.UtcNow.Year;
        using var office = await server.ClientAsAsync(TestAccounts.Office);
        (await office.GetAsync("/ledger/accounts", TestContext.Current.CancellationToken)).EnsureSuccessStatusCode(); // the first ledger read opens the ledger
        using var response = await office.GetAsync($"/health-check/{year}", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var full = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("<h2 id=\"ledger\">", full, StringComparison.Ordinal);
        Assert.Contains("id=\"ledger-totals\"", full, StringComparison.Ordinal);
        Assert.DoesNotContain("Only the jurisdictions whose ledger accounts you may see", full, StringComparison.Ordinal);

        using var proponent = await server.ClientAsAsync(TestAccounts.Proponent);
        var partial = await proponent.GetStringAsync($"/health-check/{year}", TestContext.Current.CancellationToken);
        Assert.Contains("Only the jurisdictions whose ledger accounts you may see", partial, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"ledger-totals\"", partial, StringComparison.Ordinal);
    }
}
