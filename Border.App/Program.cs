using Border.App.Cli;

return await BorderCommandLine.Create().Parse(args).InvokeAsync();
