namespace Metrocircle.Tests.Cli;

/// <summary><c>metrocircle users</c>: accounts from the command line, with one-time passwords printed once and every change audited.</summary>
public sealed class UsersVerbTests(SeededStore seeded) : IClassFixture<SeededStore>
{
    private StoreFixture S => seeded.Files;

    [Fact]
    public async Task adds_lists_resets_and_disables_accounts_and_the_audit_log_records_each_change()
    {
        var (code, output, error) = await S.RunAsync("users", "add", "cli-hb", "--role", "reviewer", "--jurisdiction", Jurisdictions.Hebei, "--department", "natural-resources", "--store", S.Store);
        Assert.True(code == 0, error);
        Assert.Matches(@"one-time password: [A-Za-z2-9]{20}", output);

        (code, output, _) = await S.RunAsync("users", "list", "--store", S.Store);
        Assert.Equal(0, code);
        Assert.Contains("cli-hb", output, StringComparison.Ordinal);
        Assert.Contains("one-time password", output, StringComparison.Ordinal);

        (code, output, _) = await S.RunAsync("users", "reset-password", "cli-hb", "--store", S.Store);
        Assert.Equal(0, code);
        Assert.Matches(@"one-time password: [A-Za-z2-9]{20}", output);
        (code, output, _) = await S.RunAsync("users", "disable", "cli-hb", "--store", S.Store);
        Assert.Equal(0, code);
        (code, output, _) = await S.RunAsync("users", "list", "--store", S.Store);
        Assert.Matches(@"cli-hb.*disabled", output);

        var export = Path.Combine(S.Folder, "users-audit.jsonl");
        Assert.Equal(0, (await S.RunAsync("audit-log", "export", "--out", export, "--store", S.Store)).Code);
        var lines = await File.ReadAllLinesAsync(export, TestContext.Current.CancellationToken);
        Assert.Contains(lines, l => l.Contains("\"action\":\"account.added\"", StringComparison.Ordinal) && l.Contains("cli-hb", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("\"action\":\"password.reset\"", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("\"action\":\"account.disabled\"", StringComparison.Ordinal));
        Assert.Equal(0, (await S.RunAsync("audit-log", "verify", "--store", S.Store)).Code);
    }

    [Theory]
    [InlineData("reviewer --jurisdiction atlantis --department transport", "jurisdiction: \"atlantis\" is not a province, city or county")]
    [InlineData("reviewer --jurisdiction hebei", "a reviewer needs a department")]
    [InlineData("reviewer --jurisdiction hebei --department magic", "department: \"magic\" is not one of")]
    [InlineData("mayor", "role: \"mayor\" is not one of")]
    public async Task a_bad_account_is_refused_with_a_readable_message_and_a_non_zero_exit(string options, string message)
    {
        var (code, _, error) = await S.RunAsync(["users", "add", "cli-bad", "--role", .. options.Split(' '), "--store", S.Store]);
        Assert.Equal(1, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
        var (_, list, _) = await S.RunAsync("users", "list", "--store", S.Store);
        Assert.DoesNotContain("cli-bad", list, StringComparison.Ordinal);
    }

    [Fact]
    public async Task usage_errors_exit_with_2_and_say_what_to_type()
    {
        var (code, _, error) = await S.RunAsync("users", "add", "--store", S.Store);
        Assert.Equal(2, code);
        Assert.Contains("exactly one account name", error, StringComparison.Ordinal);
        (code, _, error) = await S.RunAsync("users", "promote", "x", "--store", S.Store);
        Assert.Equal(2, code);
        Assert.Contains("unknown action 'promote'", error, StringComparison.Ordinal);
        (code, _, _) = await S.RunAsync("users", "disable", "nobody-at-all", "--store", S.Store);
        Assert.Equal(1, code);
    }
}
