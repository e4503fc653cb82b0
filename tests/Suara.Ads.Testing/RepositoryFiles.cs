namespace Suara.Ads.Testing;

/// <summary>Files of the repository the tests check against (docs, budgets, sources), found from the test's output folder.</summary>
public static class RepositoryFiles
{
    /// <summary>The repository's root: the folder with Suara.Ads.sln above the running test.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The path of <paramref name="parts"/> under the root.</summary>
    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>The text of a file under the root.</summary>
    public static string Read(params string[] parts) => File.ReadAllText(PathOf(parts));

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Suara.Ads.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException($"No Suara.Ads.sln above {AppContext.BaseDirectory}");
    }
}
