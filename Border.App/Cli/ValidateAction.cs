using System.CommandLine;
using Border.Routing.Attractions;

namespace Border.App.Cli;

internal static class ValidateAction
{
    public static int Run(ParseResult parse, ValidateCommand command)
    {
        var output = parse.InvocationConfiguration.Output;
        var file = parse.GetRequiredValue(command.File);
        if (ConfigFileReader.TryLoad(file, parse.InvocationConfiguration.Error) is not { } config)
        {
            return ExitCodes.InvalidInput;
        }

        var services = new List<string>();
        if (config.Nat44 is not null)
        {
            services.Add(Service.Nat44.Name());
        }

        if (config.Nat66 is not null)
        {
            services.Add(Service.Nat66.Name());
        }

        if (config.Nat64 is { } nat64)
        {
            services.Add($"{Service.Nat64.Name()} ({nat64.Engine.ToString().ToLowerInvariant()})");
        }

        if (config.Dns64 is not null)
        {
            services.Add(Service.Dns64.Name());
        }

        var enabled = services.Count == 0 ? "no services enabled" : string.Join(", ", services);
        output.WriteLine($"{file.FullName}: valid: gateway {config.Name}: {enabled}");
        return ExitCodes.Ok;
    }
}
