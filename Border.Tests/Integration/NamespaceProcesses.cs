using System.Globalization;
using Border.Routing.Processes;

namespace Border.Tests.Integration;

/// <summary>The processes in a lab's network namespaces, as the kernel sees them: each process's /proc/PID/ns/net
/// reads <c>net:[INODE]</c>, the inode of its namespace. Taken before the namespaces' names are deleted, the inodes
/// still find a process left in one afterwards, which keeps its namespace alive where nobody can reach it.</summary>
internal sealed class NamespaceProcesses
{
    private readonly IReadOnlyDictionary<string, string> names;

    private NamespaceProcesses(IReadOnlyDictionary<string, string> names) => this.names = names;

    /// <summary>A process in one of the namespaces: its pid, the namespace's name and its command line.</summary>
    internal sealed record Found(int Pid, string Namespace, string CommandLine)
    {
        public override string ToString() => $"pid {Pid} in {Namespace}: {CommandLine}";
    }

    /// <summary>The namespaces of the lab <paramref name="lab"/> (<c>LAB-*</c> under /run/netns), by their inodes now.</summary>
    public static async Task<NamespaceProcesses> OfLabAsync(string lab)
    {
        var names = new Dictionary<string, string>();
        foreach (var path in Directory.Exists("/run/netns") ? Directory.GetFiles("/run/netns", $"{lab}-*") : [])
        {
            var inode = await NetworkNamespace.Runner.RunCheckedAsync("stat", ["-L", "-c", "%i", path], TimeSpan.FromSeconds(10));
            names[$"net:[{inode.StandardOutput.Trim()}]"] = Path.GetFileName(path);
        }

        return new NamespaceProcesses(names);
    }

    /// <summary>Every process in one of the namespaces now; a zombie has left its namespace and is not one.</summary>
    public IReadOnlyList<Found> Find()
    {
        var found = new List<Found>();
        foreach (var directory in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                if (new FileInfo(Path.Combine(directory, "ns", "net")).LinkTarget is { } link && names.TryGetValue(link, out var name))
                {
                    found.Add(new Found(pid, name, File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ').Trim()));
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Gone while we looked.
            }
        }

        return found;
    }
}
