namespace Border.Routing.Speakers;

/// <summary>A speaker's daemon could not be reached or refused a change; the message names the daemon and where it is.</summary>
public sealed class SpeakerException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SpeakerException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
