using Border.Nat.Nftables;
using Border.Routing.Processes;

namespace Border.Tests.Nat.Nftables;

/// <summary>nft over one table in memory, border's <c>inet border</c>: a script is run as <c>nft -f</c> runs it, as one
/// transaction, and the table then reads back as the script defined it. Safe to use from an engine's background heal.</summary>
/// <remarks>
/// The script is taken statement by statement: <c>table inet border</c> (declare), <c>delete table inet border</c>, and
/// <c>table inet border { ... }</c> (define). What nft would reject (unbalanced braces, deleting a table that does not
/// exist) fails as nft fails and is recorded as an impossible call, as is what border must never send: a
/// statement about another table, one the fake does not know, and a definition over a table that still has rules,
/// which nft would merge into the old table instead of replacing it. A refused script changes nothing.
/// </remarks>
internal sealed class FakeNftables(ImpossibleCalls impossible) : INftables
{
    private const string Ours = "inet border";
    private readonly Lock gate = new();
    private readonly List<string> applied = [];
    private string? live;

    /// <summary>The table as <c>nft list table inet border</c> prints it; <see langword="null"/> when it does not exist.</summary>
    public string? Live
    {
        get
        {
            lock (gate)
            {
                return live;
            }
        }

        set
        {
            lock (gate)
            {
                live = value;
            }
        }
    }

    /// <summary>Off when the test expects no apply: any apply fails the test.</summary>
    public bool AllowApply { get; set; }

    /// <summary>When set, nft refuses every script with this error (as for a kernel without a needed module).</summary>
    public string? Refusal { get; set; }

    public string? ListFailure { get; init; }

    /// <summary>The scripts nft took, oldest first.</summary>
    public IReadOnlyList<string> Applied => Snapshot.Of(gate, applied);

    public Task ApplyAsync(string script, CancellationToken cancellationToken)
    {
        if (!AllowApply)
        {
            throw impossible.Refuse("nft: the engine applied a ruleset when it should not have");
        }

        if (Refusal is not null)
        {
            throw Rejected(Refusal);
        }

        lock (gate)
        {
            live = Run(Statements(script), live);
            applied.Add(script);
        }

        return Task.CompletedTask;
    }

    public Task<string?> ListTableAsync(string family, string table, CancellationToken cancellationToken)
    {
        if ($"{family} {table}" != Ours)
        {
            throw impossible.Refuse($"nft: listed table {family} {table}, which border does not own");
        }

        return ListFailure is null ? Task.FromResult(Live) : throw new CommandFailedException(ListFailure);
    }

    private static CommandFailedException Rejected(string error) => new($"nft -f - exited with code 1: {error}");

    /// <summary>The script's top-level statements, a definition with its block; unbalanced braces are nft's syntax error.</summary>
    private List<string> Statements(string script)
    {
        var statements = new List<string>();
        var current = new List<string>();
        var depth = 0;
        foreach (var (line, number) in script.Split('\n').Select((line, index) => (line, index + 1)))
        {
            if (depth == 0 && line.Trim().Length == 0)
            {
                continue;
            }

            depth += line.Count(character => character == '{') - line.Count(character => character == '}');
            if (depth < 0)
            {
                throw Refused($"/dev/stdin:{number}: Error: syntax error, unexpected '}}'", "a script with a '}' too many");
            }

            current.Add(line);
            if (depth == 0)
            {
                statements.Add(string.Join('\n', current) + "\n");
                current.Clear();
            }
        }

        return depth == 0
            ? statements
            : throw Refused("/dev/stdin: Error: syntax error, unexpected end of file", "a script whose braces do not close");
    }

    /// <summary>The table after the statements, in order; nothing of it is kept when one fails.</summary>
    private string? Run(IEnumerable<string> statements, string? table)
    {
        foreach (var statement in statements)
        {
            var head = statement.Split('\n')[0].TrimEnd(' ', '{');
            var words = head.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var named = string.Join(' ', words.SkipWhile(word => word is "delete" or "table"));
            if (named != Ours)
            {
                throw impossible.Refuse($"nft: '{head}' touches a table border does not own, or is not a statement this fake knows");
            }

            if (words[0] == "delete")
            {
                table = table is not null
                    ? null
                    : throw Refused("Error: Could not process rule: No such file or directory", $"'{head}' with no such table");
            }
            else if (!statement.Contains('{', StringComparison.Ordinal))
            {
                table ??= $"table {Ours} {{\n}}\n";
            }
            else if (table is null || table == $"table {Ours} {{\n}}\n")
            {
                table = statement;
            }
            else
            {
                throw impossible.Refuse("nft: a definition over the table that still has its rules: nft would merge the two, not replace the old");
            }
        }

        return table;
    }

    /// <summary>Records a script nft would reject, and fails the call with nft's error.</summary>
    private CommandFailedException Refused(string error, string what)
    {
        impossible.Refuse($"nft: {what}: {error}");
        return Rejected(error);
    }
}
