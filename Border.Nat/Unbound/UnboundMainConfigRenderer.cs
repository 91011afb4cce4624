using System.Text;

namespace Border.Nat.Unbound;

/// <summary>Renders Unbound's main config when border runs Unbound as its child: the host's own settings stay out
/// of it, and border's snippet is included.</summary>
internal static class UnboundMainConfigRenderer
{
    public static string Render(string configPath, string snippetPath, UnboundChildOptions child)
    {
        var text = new StringBuilder();
        text.Append("server:\n");
        text.Append("\tdirectory: \"").Append(Path.GetDirectoryName(configPath)).Append("\"\n");
        // border is the parent and the supervisor: no chroot, no fork, no pidfile of its own; the log goes to
        // stderr, which border reads line by line.
        text.Append("\tchroot: \"\"\n");
        text.Append("\tusername: \"\"\n");
        text.Append("\tdo-daemonize: no\n");
        text.Append("\tpidfile: \"\"\n");
        text.Append("\tuse-syslog: no\n");
        text.Append("\tlogfile: \"\"\n");
        text.Append("remote-control:\n");
        text.Append("\tcontrol-enable: yes\n");
        text.Append("\tcontrol-use-cert: no\n");
        text.Append("\tcontrol-interface: \"").Append(child.ControlSocket).Append("\"\n");
        text.Append("include-toplevel: \"").Append(snippetPath).Append("\"\n");
        return text.ToString();
    }
}
