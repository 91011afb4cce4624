using System.Net;
using System.Net.Sockets;

namespace Border.App.Configuration;

internal static partial class ConfigLoader
{
    /// <summary>The checked things that have a probe schedule: the four services and the uplink.</summary>
    public static IReadOnlyList<string> ScheduledChecks { get; } = ["nat44", "nat66", "nat64", "dns64", "uplink"];

    private static HealthConfig? ReadHealth(ConfigSection section, Nat64Config? nat64, List<ConfigError> errors)
    {
        var schedules = new Dictionary<string, ProbeSchedule>(StringComparer.Ordinal);
        IPAddress? nat64Target = null;
        string? dns64Name = null;
        foreach (var check in ScheduledChecks)
        {
            var schedule = section.SectionOrEmpty(check);
            if (check == "nat64")
            {
                nat64Target = schedule.Address("probe_target", AddressFamily.InterNetwork);
            }
            else if (check == "dns64")
            {
                dns64Name = schedule.String("probe_name");
                if (dns64Name is not null && !DomainName().IsMatch(dns64Name))
                {
                    schedule.Error("probe_name", dns64Name, "must be a domain name with A records only, for example ipv4only.example.");
                    dns64Name = null;
                }
            }

            if (ReadSchedule(schedule) is { } read)
            {
                schedules[check] = read;
            }
        }

        var damping = ReadDamping(section.SectionOrEmpty("damping"));
        section.RejectUnknownKeys();

        if (nat64 is not null)
        {
            RejectWellKnownPrefixWithNonGlobal(errors, nat64, nat64Target);
        }

        return schedules.Count == ScheduledChecks.Count && damping is not null
            ? new HealthConfig(schedules, nat64Target, dns64Name, damping)
            : null;
    }

    /// <summary>RFC 6052 section 3.1: the well-known prefix must not be used with non-global IPv4 addresses.</summary>
    private static void RejectWellKnownPrefixWithNonGlobal(List<ConfigError> errors, Nat64Config nat64, IPAddress? target)
    {
        if (!nat64.Prefix.Equals(Addresses.WellKnownNat64Prefix))
        {
            return;
        }

        const string Rule = "the well-known prefix 64:ff9b::/96 must not be used with non-global IPv4 addresses (RFC 6052 section 3.1); use a network-specific prefix";
        if (Addresses.IsNonGlobalIpv4(nat64.Pool4))
        {
            errors.Add(new ConfigError("nat64.prefix", $"{nat64.Prefix} with pool4 {nat64.Pool4}", Rule));
        }

        if (target is not null && Addresses.IsNonGlobalIpv4(new IPNetwork(target, 32)))
        {
            errors.Add(new ConfigError("health.nat64.probe_target", $"{target} with {nat64.Prefix}", Rule));
        }
    }

    private static ProbeSchedule? ReadSchedule(ConfigSection section)
    {
        var defaults = ProbeSchedule.Default;
        var schedule = new ProbeSchedule(
            section.Duration("interval") ?? defaults.Interval,
            section.Duration("timeout") ?? defaults.Timeout,
            (int?)section.Integer("rise", 1, 100, "must be between 1 and 100") ?? defaults.Rise,
            (int?)section.Integer("fall", 1, 100, "must be between 1 and 100") ?? defaults.Fall);
        section.RejectUnknownKeys();
        if (schedule.Timeout >= schedule.Interval)
        {
            section.Error("timeout", $"{schedule.Timeout.TotalMilliseconds:0}ms", $"must be shorter than interval ({schedule.Interval.TotalMilliseconds:0}ms)");
            return null;
        }

        return schedule;
    }

    private static DampingConfig? ReadDamping(ConfigSection section)
    {
        var defaults = DampingConfig.Default;
        var damping = new DampingConfig(
            section.Duration("hold_down") ?? defaults.HoldDown,
            section.Duration("max_hold_down") ?? defaults.MaxHoldDown);
        section.RejectUnknownKeys();
        if (damping.MaxHoldDown < damping.HoldDown)
        {
            section.Error("max_hold_down", $"{damping.MaxHoldDown.TotalMilliseconds:0}ms", "must not be shorter than hold_down");
            return null;
        }

        return damping;
    }

    private static DaemonConfig? ReadDaemon(ConfigSection section)
    {
        var defaults = DaemonConfig.Default;
        var stateDirectory = AbsolutePath(section, "state_dir");
        var controlSocket = AbsolutePath(section, "control_socket");
        var controlGroup = section.String("control_group");
        if (controlGroup is not null && (controlGroup.Length == 0 || controlGroup.Any(c => c == ':' || char.IsControl(c))))
        {
            section.Error("control_group", controlGroup.Length == 0 ? "\"\"" : controlGroup, "must be a group name: not empty, without ':' or control characters");
        }

        var metrics = section.Has("metrics") ? section.String("metrics") : defaults.MetricsListen;
        if (metrics is not null && metrics != "off" && !IPEndPoint.TryParse(metrics, out _))
        {
            section.Error("metrics", metrics, "must be ADDRESS:PORT for the Prometheus endpoint, or off");
        }

        var withdraw = section.Bool("withdraw_on_stop");
        section.RejectUnknownKeys();
        return new DaemonConfig(
            stateDirectory ?? defaults.StateDirectory,
            controlSocket ?? defaults.ControlSocket,
            controlGroup ?? defaults.ControlGroup,
            metrics == "off" ? null : metrics,
            withdraw ?? defaults.WithdrawOnStop);
    }
}
