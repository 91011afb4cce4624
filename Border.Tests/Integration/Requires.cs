using Border.Routing.Processes;

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

    /// <summary>Skips only where the VM tier's guest cannot boot because QEMU is not installed (run-in-guest.sh exit
    /// 77) and this is not CI; under <c>CI=true</c> that fails too, with the script's reason, as does a guest that
    /// could not boot for any other reason (QEMU installed but failing to start: 76; the guest not built: 78).</summary>
    public static void VmGuestBooted(CommandResult run)
    {
        var reason = run.StandardError.Trim();
        if (run.ExitCode == 77)
        {
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                Assert.Fail($"CI=true: the VM tier must run, but QEMU cannot run on this machine: {reason}");
            }

            Assert.Skip("QEMU cannot run on this machine: " + reason);
        }

        Assert.True(run.ExitCode != 76, $"QEMU is installed but could not boot the guest:\n{reason}");
        Assert.True(run.ExitCode != 78, $"the guest is not built: run tests/vm/build-guest.sh (test.sh does) first:\n{reason}");
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
