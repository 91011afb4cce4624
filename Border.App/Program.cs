using System.CommandLine;
using Border.App.Cli;

// No termination timeout: by default System.CommandLine ends the process with exit code 143 two seconds after
// SIGTERM, which cut `border run` off in the middle of its withdrawals and before it ended its engines and
// monitors (left running in the gateway's namespace). `border run` handles SIGTERM itself; the other commands
// end at once on a signal, as a program without a handler does.
return await BorderCommandLine.Create().Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
