namespace Border.Tests.Integration;

/// <summary>Gates for the integration tier: skip only where a capability is truly absent, fail where a tool is missing.</summary>
internal static class Requires
{
    /// <summary>Skips, with the reason printed, unless the tests run as root on a kernel with network namespaces.</summary>
    public static void RootAndNetworkNamespaces()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Assert.Skip("integration tier needs root: network namespaces and nftables are changed for real");
        }

        if (!File.Exists("/proc/self/ns/net"))
        {
            Assert.Skip("integration tier needs network namespaces; this kernel has none");
        }
    }

    /// <summary>Fails with the package to install when a tool the tier needs is missing: CI installs everything.</summary>
    public static void Tool(string path, string debianPackage)
    {
        if (!File.Exists(path))
        {
            Assert.Fail($"{path} is missing: install the Debian package {debianPackage} (the test script installs it)");
        }
    }
}
