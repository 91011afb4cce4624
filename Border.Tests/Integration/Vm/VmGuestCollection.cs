namespace Border.Tests.Integration.Vm;

/// <summary>The VM tier's tests share one boot of the guest (<see cref="VmGuestGroup"/>) and run one at a time: two
/// TCG guests at once on a small CI machine would each run at half speed and could miss their time limits.</summary>
[CollectionDefinition(Name)]
public sealed class VmGuestCollection : ICollectionFixture<VmGuestGroup>
{
    public const string Name = "vm guest";
}
