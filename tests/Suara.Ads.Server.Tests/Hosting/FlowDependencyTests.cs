using System.Text.RegularExpressions;
using Suara.Ads.Testing;

namespace Suara.Ads.Server.Tests.Hosting;

/// <summary>
/// The server's flows depend on each other only as CONTRIBUTING.md ("Layout: what goes where") says, so no
/// namespace cycle can creep back. Read from the source: a flow depends on another when one of its files imports
/// that namespace or names a type through it.
/// </summary>
public sealed partial class FlowDependencyTests
{
    private static readonly string[] s_flows = ["Catalog", "Decisions", "Delivery", "Events", "Forecasts", "Hosting", "Reports", "Traffic"];

    /// <summary>The allowed edges; the composition root (namespace Microsoft.Extensions.DependencyInjection) may see all.</summary>
    private static readonly Dictionary<string, string[]> s_allowed = new()
    {
        ["Hosting"] = [],
        ["Catalog"] = ["Hosting"],
        ["Decisions"] = ["Hosting", "Traffic"],
        ["Delivery"] = ["Hosting"],
        ["Events"] = ["Delivery", "Hosting", "Traffic"],
        ["Forecasts"] = ["Hosting", "Traffic"],
        ["Reports"] = ["Events", "Hosting"],
        ["Traffic"] = ["Hosting"],
    };

    [GeneratedRegex(@"^namespace ([\w.]+);", RegexOptions.Multiline)]
    private static partial Regex Namespace();

    [GeneratedRegex(@"^using .*$", RegexOptions.Multiline)]
    private static partial Regex UsingLine();

    private static string ServerSource() => RepositoryFiles.PathOf("src", "Suara.Ads.Server");

    /// <summary>Every (from, to, file) edge between flows found in the source.</summary>
    private static List<(string From, string To, string File)> Edges()
    {
        var edges = new List<(string, string, string)>();
        foreach (var file in Directory.EnumerateFiles(ServerSource(), "*.cs", SearchOption.AllDirectories).Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal)))
        {
            var text = File.ReadAllText(file);
            var ns = Namespace().Match(text).Groups[1].Value;
            if (!ns.StartsWith("Suara.Ads.Server.", StringComparison.Ordinal))
            {
                continue;
            }

            var from = ns["Suara.Ads.Server.".Length..];
            var body = UsingLine().Replace(text, "");
            foreach (var to in s_flows.Where(f => f != from))
            {
                var imported = text.Contains($"using Suara.Ads.Server.{to};", StringComparison.Ordinal);
                var named = Regex.IsMatch(body, $@"(?<![\w.])(Suara\.Ads\.Server\.)?{to}\.[A-Z]\w*");
                if (imported || named)
                {
                    edges.Add((from, to, Path.GetFileName(file)));
                }
            }
        }

        return edges;
    }

    [Fact]
    public void ServerFlows_EveryFolderIsItsOwnNamespace()
    {
        foreach (var file in Directory.EnumerateFiles(ServerSource(), "*.cs", SearchOption.AllDirectories).Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal)))
        {
            var folder = Path.GetFileName(Path.GetDirectoryName(file)!);
            var ns = Namespace().Match(File.ReadAllText(file)).Groups[1].Value;
            if (folder == "Suara.Ads.Server" || ns == "Microsoft.Extensions.DependencyInjection")
            {
                continue; // Program.cs at the root; the composition root's conventional namespace
            }

            Assert.True(s_flows.Contains(folder), $"{file} is in a folder that is not a flow: {folder}");
            Assert.Equal($"Suara.Ads.Server.{folder}", ns);
        }
    }

    [Fact]
    public void ServerFlows_DependOnlyAsDocumented_AndFormNoCycle()
    {
        var edges = Edges();
        Assert.NotEmpty(edges); // the reading works: every flow uses Hosting

        var forbidden = edges.Where(e => !s_allowed[e.From].Contains(e.To)).Select(e => $"{e.From} -> {e.To} ({e.File})").ToArray();
        Assert.True(forbidden.Length == 0, "flow dependencies outside the documented ones: " + string.Join("; ", forbidden));

        // The allowed graph itself has no cycle (a depth-first walk from every flow never comes back to it).
        foreach (var start in s_flows)
        {
            var stack = new Stack<string>(s_allowed[start]);
            var seen = new HashSet<string>();
            while (stack.TryPop(out var next))
            {
                Assert.NotEqual(start, next);
                if (seen.Add(next))
                {
                    foreach (var to in s_allowed[next])
                    {
                        stack.Push(to);
                    }
                }
            }
        }
    }
}
