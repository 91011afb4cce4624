namespace Border.Tests.Integration.Vm;

/// <summary>The VM tier's tests boot the guest one at a time: two TCG guests at once on a small CI machine would
/// each run at half speed and could miss their time limits.</summary>
[CollectionDefinition(Name)]
public sealed class VmGuestCollection
{
    public const string Name = "vm guest";
}
