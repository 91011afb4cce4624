using System.CommandLine;
using Border.App.Cli;

namespace Border.Tests.App.Cli;

public sealed class BorderCommandLineTests
{
    private static readonly string LabGateway = Path.Combine(TestPaths.Examples, "lab", "gw1.json");

    [Fact]
    public void Validate_ValidFile_ExitsZeroAndNamesServices()
    {
        var (exit, output, error) = Invoke("validate", LabGateway);

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Equal($"{LabGateway}: valid: gateway gw1: nat44, nat66, nat64 (tayga), dns64\n", output);
        Assert.Empty(error);
    }

    [Fact]
    public void Validate_InvalidFile_ExitsOneWithEveryError()
    {
        using var file = new TemporaryFile(File.ReadAllText(LabGateway).Replace("192.0.2.0/30", "192.0.2.1/30", StringComparison.Ordinal).Replace("\"asn\": 64513", "\"asn\": 0", StringComparison.Ordinal));

        var (exit, output, error) = Invoke("validate", file.Path);

        Assert.Equal(ExitCodes.InvalidInput, exit);
        Assert.Empty(output);
        Assert.Contains("nat44.pool 192.0.2.1/30: host bits are set past /30", error, StringComparison.Ordinal);
        Assert.Contains("bgp.asn 0: must be an AS number between 1 and 4294967294", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_MissingFile_ExitsOneNamingIt()
    {
        var (exit, _, error) = Invoke("validate", "/nonexistent/border.json");

        Assert.Equal(ExitCodes.InvalidInput, exit);
        Assert.StartsWith("/nonexistent/border.json: cannot be read:", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_OnlyNft_PrintsTheScriptAlone()
    {
        var (exit, output, _) = Invoke("render", LabGateway, "--only", "nft");

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.StartsWith("table inet border\ndelete table inet border\ntable inet border {", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_Everything_HasEachSectionHeading()
    {
        var (exit, output, _) = Invoke("render", LabGateway);

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Contains("# nftables:", output, StringComparison.Ordinal);
        Assert.Contains("# nat64: tayga.conf", output, StringComparison.Ordinal);
        Assert.Contains("# unbound: DNS64 snippet", output, StringComparison.Ordinal);
        Assert.Contains("# routes: attractions", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_OnlyUnknownArtefact_ExitsOne()
    {
        var (exit, _, error) = Invoke("render", LabGateway, "--only", "bird");

        Assert.Equal(ExitCodes.InvalidInput, exit);
        Assert.Contains("bird", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Drain_NeitherServiceNorAll_ExitsOneSayingWhich()
    {
        var (exit, _, error) = Invoke("drain");

        Assert.Equal(ExitCodes.InvalidInput, exit);
        Assert.Contains("give exactly one of --service NAME or --all", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Version_PrintsVersion()
    {
        var (exit, output, _) = Invoke("version");

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Matches(@"^border \d+\.\d+\.\d+\n$", output);
    }

    [Theory]
    [InlineData("validate")]
    [InlineData("render")]
    [InlineData("run")]
    [InlineData("status")]
    [InlineData("drain")]
    [InlineData("undrain")]
    public void Help_EachCommand_HasDescription(string command)
    {
        var (exit, output, _) = Invoke(command, "--help");

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Contains("Description:", output, StringComparison.Ordinal);
        Assert.Matches($@"Usage:\n\s+\S+ {command}", output);
    }

    private static (int Exit, string Output, string Error) Invoke(params string[] args)
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        var exit = BorderCommandLine.Create().Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }
}
