using System.Reflection;
using Metrocircle.Core.Storage;

namespace Metrocircle.Web.Tests.Infrastructure;

public sealed class StoreSeamTests
{
    [Fact]
    public void the_host_refuses_to_start_over_a_store_that_lacks_a_capability_its_endpoints_require()
    {
        var store = PlanOnlyStore.Create();
        var e = Assert.Throws<InvalidOperationException>(() => MetrocircleWebApp.Build(store, new WebHostSettings(["http://127.0.0.1:0"])));
        Assert.Contains("plan-only test store", e.Message, StringComparison.Ordinal);
        foreach (var capability in MetrocircleWebApp.RequiredCapabilities)
        {
            Assert.Contains(capability.Name, e.Message, StringComparison.Ordinal);
        }
    }

    /// <summary>A store that offers plans and nothing else. The host only inspects it, so any call but its description is a failure.</summary>
#pragma warning disable CA1852 // DispatchProxy derives from it at run time
    public class PlanOnlyStore : DispatchProxy
#pragma warning restore CA1852
    {
        public static IPlanStore Create() => Create<IPlanStore, PlanOnlyStore>();

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            targetMethod?.Name == "get_Description" ? "plan-only test store" : throw new NotSupportedException($"the host called {targetMethod?.Name} on a store it should have refused");
    }
}
