using System.CommandLine;
using Border.Routing.Attractions;

namespace Border.App.Cli;

/// <summary><c>border run --config FILE</c>: the daemon that applies the engines and keeps the announcements true.</summary>
internal sealed class RunCommand : Command
{
    public RunCommand()
        : base("run", "Run the gateway daemon: validate the config, apply the NAT engines and DNS64, check their health, and announce each service's prefixes only while it can serve them.")
    {
        Add(Config);
    }

    public Option<FileInfo> Config { get; } = new("--config")
    {
        Description = "The gateway's config file.",
        DefaultValueFactory = _ => new FileInfo("/etc/border/border.json"),
    };
}

/// <summary><c>border guard --config FILE</c>: started by <c>border run</c> only; withdraws everything when the daemon dies.</summary>
internal sealed class GuardCommand : Command
{
    public GuardCommand()
        : base("guard", "Started by border run: withdraws the gateway's attractions the moment the daemon dies.")
    {
        Hidden = true;
        Add(Config);
    }

    public Option<FileInfo> Config { get; } = new("--config") { Description = "The daemon's config file.", Required = true };
}

/// <summary><c>border status [--json]</c>.</summary>
internal sealed class StatusCommand : Command
{
    public StatusCommand()
        : base("status", "Show each service's engine, health with the last check results, drain state, and every announcement's state at each routing daemon.")
    {
        Add(Json);
        Add(Socket);
    }

    public Option<bool> Json { get; } = new("--json") { Description = "Print machine-readable JSON instead of a table." };

    public Option<string> Socket { get; } = ControlSocketOption.Create();
}

/// <summary><c>border drain</c> and <c>border undrain</c> share their options.</summary>
internal sealed class DrainCommand : Command
{
    public DrainCommand(string name, string description)
        : base(name, description)
    {
        Service.AcceptOnlyFromAmong([.. ServiceNames.All.Select(service => service.Name())]);
        Add(Service);
        Add(All);
        Add(Reason);
        Add(Socket);
        Validators.Add(result =>
        {
            if ((result.GetResult(Service) is null) == (result.GetResult(All) is null))
            {
                result.AddError("give exactly one of --service NAME or --all");
            }
        });
    }

    public static DrainCommand Drain() => new(
        "drain",
        "Stop attracting a service's traffic for maintenance: withdraw the announcements only that service holds, keep its engine running so existing flows finish. Remembered across restarts until undrained.");

    public static DrainCommand Undrain() => new(
        "undrain",
        "Reverse a drain: announce the service's prefixes again once its checks pass.");

    public Option<string> Service { get; } = new("--service")
    {
        Description = "The service: nat44, nat66, nat64 or dns64.",
    };

    public Option<bool> All { get; } = new("--all") { Description = "Every service: the whole gateway." };

    public Option<string> Reason { get; } = new("--reason") { Description = "Why, shown in status and the log." };

    public Option<string> Socket { get; } = ControlSocketOption.Create();
}

/// <summary><c>border reload</c>: the daemon re-reads its config file and applies it, or refuses it and keeps running.</summary>
internal sealed class ReloadCommand : Command
{
    public ReloadCommand()
        : base("reload", "Ask the daemon to re-read its config file: a valid, changed config is applied; an invalid one is refused with its errors and the running config stays. SIGHUP does the same.")
    {
        Add(Socket);
    }

    public Option<string> Socket { get; } = ControlSocketOption.Create();
}

/// <summary>Where the daemon's control socket is, for the commands that talk to it.</summary>
internal static class ControlSocketOption
{
    public static Option<string> Create() => new("--socket")
    {
        Description = "The daemon's control socket (daemon.control_socket in its config).",
        DefaultValueFactory = _ => "/run/border/control.sock",
    };
}
