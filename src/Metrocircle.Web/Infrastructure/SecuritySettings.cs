using System.Globalization;
using System.Net;
using Metrocircle.Core;
using Metrocircle.Core.Access;

namespace Metrocircle.Web.Infrastructure;

/// <summary>
/// The abuse limits and trust settings of a host. <c>metrocircle serve</c> reads them from the environment
/// (<see cref="FromEnvironment"/>); tests set them directly.
/// </summary>
public sealed record SecuritySettings
{
    public const string OneTimePasswordHoursVariable = "METROCIRCLE_ONE_TIME_PASSWORD_HOURS";
    public const string SignInPerMinuteVariable = "METROCIRCLE_SIGN_IN_PER_MINUTE";
    public const string AnonymousWritesPerMinuteVariable = "METROCIRCLE_ANONYMOUS_WRITES_PER_MINUTE";
    public const string KnownProxiesVariable = "METROCIRCLE_KNOWN_PROXIES";
    public const string KnownNetworksVariable = "METROCIRCLE_KNOWN_NETWORKS";
    public const string AttachmentsPerCaseVariable = "METROCIRCLE_ATTACHMENTS_PER_CASE";
    public const string AttachmentMiBPerCaseVariable = "METROCIRCLE_ATTACHMENT_MIB_PER_CASE";
    public const string ChecksPerDayVariable = "METROCIRCLE_CHECKS_PER_DAY";

    public static SecuritySettings Default { get; } = new();

    /// <summary>How long a one-time password (new account, reset) works before an administrator must issue a new one.</summary>
    public TimeSpan OneTimePasswordLifetime { get; init; } = Account.DefaultOneTimePasswordLifetime;

    /// <summary>Sign-in requests per client address per <see cref="RateWindow"/>, whatever the names tried.</summary>
    public int SignInPermits { get; init; } = 20;

    /// <summary>Anonymous writes (<see cref="RateLimits.AnonymousWrite"/>) per client address per <see cref="RateWindow"/>.</summary>
    public int AnonymousWritePermits { get; init; } = 30;

    public TimeSpan RateWindow { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Files one account may attach to one case.</summary>
    public int AttachmentsPerCase { get; init; } = 20;

    /// <summary>Bytes one account may attach to one case, all its files together.</summary>
    public long AttachmentBytesPerCase { get; init; } = 50L * 1024 * 1024;

    /// <summary>Checks one account may store (<c>POST /checks</c>) in 24 hours; checks made by case submissions count too.</summary>
    public int ChecksPerDay { get; init; } = 500;

    /// <summary>
    /// Proxies whose <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are believed. Empty (the default): none, not
    /// even loopback, so a caller cannot pick its own address for the rate limiter or pass plain HTTP off as HTTPS.
    /// </summary>
    public IReadOnlyList<IPAddress> KnownProxies { get; init; } = [];

    /// <summary>Networks (CIDR) whose every address is a trusted proxy, for proxies whose addresses change.</summary>
    public IReadOnlyList<IPNetwork> KnownNetworks { get; init; } = [];

    public bool TrustsProxies => KnownProxies.Count > 0 || KnownNetworks.Count > 0;

    /// <summary>
    /// The settings from environment variables; a variable left unset keeps its default and a malformed one stops the
    /// host with a message naming it. Lists are separated by commas or spaces.
    /// </summary>
    public static SecuritySettings FromEnvironment(Func<string, string?> variable)
    {
        int Count(string name, int otherwise) => EnvironmentNumbers.Whole(variable, name, 1, 1_000_000) ?? otherwise;
        IEnumerable<string> Items(string name) => (variable(name) ?? "").Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        var hours = Count(OneTimePasswordHoursVariable, (int)Account.DefaultOneTimePasswordLifetime.TotalHours);
        return new SecuritySettings
        {
            OneTimePasswordLifetime = TimeSpan.FromHours(hours),
            SignInPermits = Count(SignInPerMinuteVariable, Default.SignInPermits),
            AnonymousWritePermits = Count(AnonymousWritesPerMinuteVariable, Default.AnonymousWritePermits),
            AttachmentsPerCase = Count(AttachmentsPerCaseVariable, Default.AttachmentsPerCase),
            AttachmentBytesPerCase = Count(AttachmentMiBPerCaseVariable, (int)(Default.AttachmentBytesPerCase / (1024 * 1024))) * 1024L * 1024,
            ChecksPerDay = Count(ChecksPerDayVariable, Default.ChecksPerDay),
            KnownProxies = [.. Items(KnownProxiesVariable).Select(a => IPAddress.TryParse(a, out var ip) ? ip
                : throw new FormatException($"{KnownProxiesVariable}: \"{a}\" is not an IP address (list the proxies' addresses, e.g. 127.0.0.1,10.0.0.5)"))],
            KnownNetworks = [.. Items(KnownNetworksVariable).Select(n => IPNetwork.TryParse(n, out var net) ? net
                : throw new FormatException($"{KnownNetworksVariable}: \"{n}\" is not a network in CIDR notation (e.g. 10.0.0.0/24)"))],
        };
    }
}
