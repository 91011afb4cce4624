namespace Border.App.Control;

/// <summary>Who is on the other end of the control socket, from the kernel's peer credentials.</summary>
internal sealed record ControlPeer(int ProcessId, int UserId, string UserName);

/// <summary>What the daemon does with a well-formed control request.</summary>
internal interface IControlHandler
{
    Task<ControlResponse> HandleAsync(ControlRequest request, ControlPeer peer, CancellationToken cancellationToken);
}
