using System.Net;
using Metrocircle.Web.Infrastructure;

namespace Metrocircle.Web.Tests.Infrastructure;

public sealed class SecuritySettingsTests
{
    private static SecuritySettings From(params (string Name, string Value)[] variables) =>
        SecuritySettings.FromEnvironment(name => variables.FirstOrDefault(v => v.Name == name).Value);

    [Fact]
    public void unset_variables_keep_the_defaults_and_trust_no_proxy()
    {
        var settings = From();

        Assert.Equal(TimeSpan.FromHours(24), settings.OneTimePasswordLifetime);
        Assert.Equal(SecuritySettings.Default.SignInPermits, settings.SignInPermits);
        Assert.False(settings.TrustsProxies);
    }

    [Fact]
    public void variables_set_the_lifetime_the_limits_and_the_trusted_proxies()
    {
        var settings = From((SecuritySettings.OneTimePasswordHoursVariable, "48"), (SecuritySettings.SignInPerMinuteVariable, "7"),
            (SecuritySettings.AnonymousWritesPerMinuteVariable, "9"), (SecuritySettings.KnownProxiesVariable, "127.0.0.1, ::1"),
            (SecuritySettings.KnownNetworksVariable, "10.0.0.0/24"));

        Assert.Equal((TimeSpan.FromHours(48), 7, 9), (settings.OneTimePasswordLifetime, settings.SignInPermits, settings.AnonymousWritePermits));
        Assert.Equal([IPAddress.Loopback, IPAddress.IPv6Loopback], settings.KnownProxies);
        Assert.Equal([IPNetwork.Parse("10.0.0.0/24")], settings.KnownNetworks);
    }

    [Theory]
    [InlineData(SecuritySettings.OneTimePasswordHoursVariable, "0")]
    [InlineData(SecuritySettings.SignInPerMinuteVariable, "ten")]
    [InlineData(SecuritySettings.KnownProxiesVariable, "nginx.internal")]
    [InlineData(SecuritySettings.KnownNetworksVariable, "10.0.0.0")]
    public void a_malformed_variable_stops_the_host_naming_it(string name, string value)
    {
        Assert.StartsWith(name + ":", Assert.Throws<FormatException>(() => From((name, value))).Message, StringComparison.Ordinal);
    }
}
