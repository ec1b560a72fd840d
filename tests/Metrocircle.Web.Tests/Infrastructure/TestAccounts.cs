using Metrocircle.Core.Audit;
using System.Net.Http.Json;
using System.Text.Json;
using Metrocircle.Core.Access;
using Metrocircle.Core.Storage;

namespace Metrocircle.Web.Tests.Infrastructure;

/// <summary>One account per role and binding the tests need, all with <see cref="Password"/>; hashed with few iterations so sign-ins are quick.</summary>
public static class TestAccounts
{
    public const string Password = "correct horse battery staple";

    public const string Admin = "t-admin";
    public const string Office = "t-office";
    public const string BeijingReviewer = "t-bj-dr";
    public const string HebeiReviewer = "t-hb-dr";
    public const string TianjinReviewer = "t-tj-dr";
    public const string BeijingNaturalResources = "t-bj-nr";
    public const string HebeiNaturalResources = "t-hb-nr";
    public const string NationalNaturalResources = "t-nat-nr";
    public const string Proponent = "t-acme";
    public const string OtherProponent = "t-bolt";

    public static IReadOnlyList<Account> All { get; } =
    [
        Make(Admin, Role.Administrator),
        Make(Office, Role.CoordinationOffice),
        Make(BeijingReviewer, Role.Reviewer, Jurisdictions.Beijing, "development-reform"),
        Make(HebeiReviewer, Role.Reviewer, Jurisdictions.Hebei, "development-reform"),
        Make(TianjinReviewer, Role.Reviewer, Jurisdictions.Tianjin, "development-reform"),
        Make(BeijingNaturalResources, Role.Reviewer, Jurisdictions.Beijing, "natural-resources"),
        Make(HebeiNaturalResources, Role.Reviewer, Jurisdictions.Hebei, "natural-resources"),
        Make(NationalNaturalResources, Role.NationalReviewer, null, "natural-resources"),
        Make(Proponent, Role.Proponent),
        Make(OtherProponent, Role.Proponent),
    ];

    /// <summary>
    /// The natural-resources reviewer of a city or county, made when a test first signs in as it (see
    /// <see cref="OnDemand"/>): which counties a footprint touches is found at run time.
    /// </summary>
    public static string NaturalResourcesOf(string jurisdiction) => "t-nr-" + jurisdiction;

    /// <summary>The account a name of <see cref="NaturalResourcesOf"/> stands for; null for any other name.</summary>
    public static Account? OnDemand(string userName) =>
        userName.StartsWith("t-nr-", StringComparison.Ordinal) && All.All(a => a.UserName != userName)
            ? Make(userName, Role.Reviewer, userName["t-nr-".Length..], "natural-resources")
            : null;

    public static Account Make(string name, Role role, string? jurisdiction = null, string? department = null) =>
        new(name, name, role, jurisdiction, department, PasswordHasher.Hash(Password, 1_000), false, false, DateTimeOffset.UtcNow);

    public static async Task AddAsync(IAccountStore store, CancellationToken ct)
    {
        foreach (var account in All)
        {
            await store.AddAccountAsync(account, new AuditRecord("test-fixture", "account.added", account.UserName, "{}"), ct);
        }
    }

    public static async Task<string> SignInAsync(HttpClient client, string userName, string password = Password)
    {
        using var response = await client.PostAsJsonAsync("/auth/sign-in", new { userName, password });
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"signing in as {userName} failed: {(int)response.StatusCode} {body}");
        }

        return JsonDocument.Parse(body).RootElement.GetProperty("token").GetString()!;
    }
}

/// <summary>The system clock moved by an offset the test sets.</summary>
public sealed class ShiftedClock : TimeProvider
{
    private long _offsetTicks;

    public TimeSpan Offset
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
        set => Interlocked.Exchange(ref _offsetTicks, value.Ticks);
    }

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Offset;
}
