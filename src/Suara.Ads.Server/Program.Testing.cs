#pragma warning disable CA1050, CA1515 // WebApplicationFactory<Program> needs a public Program in the global namespace.
/// <summary>Makes the top-level-statements Program visible to WebApplicationFactory in tests.</summary>
public partial class Program;
