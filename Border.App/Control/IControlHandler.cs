namespace Border.App.Control;

/// <summary>Who is on the other end of the control socket, from the kernel's peer credentials.</summary>
/// <param name="UserName">The uid's name in the name service, or <c>uid N</c> when it has none.</param>
internal sealed record ControlPeer(int ProcessId, uint UserId, string UserName);

/// <summary>What the daemon does with a well-formed control request.</summary>
internal interface IControlHandler
{
    Task<ControlResponse> HandleAsync(ControlRequest request, ControlPeer peer, CancellationToken cancellationToken);
}
