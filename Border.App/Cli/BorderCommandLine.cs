using System.CommandLine;

namespace Border.App.Cli;

/// <summary>Declares every command and wires each to its action.</summary>
internal static class BorderCommandLine
{
    public static RootCommand Create()
    {
        var root = new RootCommand(
            "border keeps a border gateway's route announcements true: it supervises NAT44/NAT66 (nftables), NAT64 (Jool or Tayga) and DNS64 (Unbound), and announces each service's prefixes over OSPF and eBGP only while the service can serve them.");

        var validate = new ValidateCommand();
        validate.SetAction(parse => ValidateAction.Run(parse, validate));
        var render = new RenderCommand();
        render.SetAction(parse => RenderAction.Run(parse, render));
        var version = new VersionCommand();
        version.SetAction(VersionCommand.Run);

        var run = new RunCommand();
        run.SetAction((parse, _) => RunAction.RunAsync(parse, run));
        var status = new StatusCommand();
        status.SetAction((parse, cancellationToken) => ControlActions.StatusAsync(parse, status, cancellationToken));
        var drain = DrainCommand.Drain();
        drain.SetAction((parse, cancellationToken) => ControlActions.DrainAsync(parse, drain, cancellationToken));
        var undrain = DrainCommand.Undrain();
        undrain.SetAction((parse, cancellationToken) => ControlActions.DrainAsync(parse, undrain, cancellationToken));
        var guard = new GuardCommand();
        guard.SetAction((parse, _) => GuardAction.RunAsync(parse, guard));
        var reload = new ReloadCommand();
        reload.SetAction((parse, cancellationToken) => ControlActions.ReloadAsync(parse, reload, cancellationToken));

        foreach (var command in (Command[])[validate, render, version, run, status, drain, undrain, reload, guard])
        {
            root.Add(command);
        }

        return root;
    }
}
