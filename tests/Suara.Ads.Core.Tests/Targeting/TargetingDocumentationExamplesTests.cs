using System.Text.RegularExpressions;
using Suara.Ads.Core.Targeting;
using Suara.Ads.Testing;

namespace Suara.Ads.Core.Tests.Targeting;

/// <summary>
/// Keeps docs/targeting.md honest, read from the file itself: every rule in a <c>```targeting</c> block compiles, and
/// every rule in a <c>```targeting-error</c> block fails with the first error the doc shows after its arrow (line,
/// column and message). Blocks hold examples separated by blank lines; <c>#</c> lines are notes for the reader.
/// </summary>
public sealed partial class TargetingDocumentationExamplesTests
{
    [GeneratedRegex(@"^→ line (\d+), column (\d+): (.+)$", RegexOptions.Singleline)]
    private static partial Regex ErrorLine();

    /// <summary>The examples of every block tagged <paramref name="tag"/>, in order: each a list of its lines.</summary>
    private static List<List<string>> Examples(string tag)
    {
        var examples = new List<List<string>>();
        List<string>? current = null;
        var inside = false;
        foreach (var line in RepositoryFiles.Read("docs", "targeting.md").Split('\n'))
        {
            if (line.StartsWith("```", StringComparison.Ordinal))
            {
                inside = !inside && line.Trim() == "```" + tag;
                current = null;
                continue;
            }

            if (!inside || line.StartsWith('#'))
            {
                continue;
            }

            if (line.Trim().Length == 0)
            {
                current = null;
                continue;
            }

            if (current is null)
            {
                examples.Add(current = []);
            }

            current.Add(line);
        }

        return examples;
    }

    public static TheoryData<string> ValidRules() => [.. Examples("targeting").Select(lines => string.Join('\n', lines))];

    public static TheoryData<string, int, int, string> InvalidRules()
    {
        var data = new TheoryData<string, int, int, string>();
        foreach (var lines in Examples("targeting-error"))
        {
            var arrow = lines.FindIndex(l => l.StartsWith('→'));
            Assert.True(arrow > 0, $"an error example without its '→ line L, column C: message': {string.Join(" / ", lines)}");

            // The message may continue on indented lines.
            var shown = string.Join(' ', lines.Skip(arrow).Select(l => l.Trim()));
            var match = ErrorLine().Match(shown);
            Assert.True(match.Success, $"not '→ line L, column C: message': {shown}");
            data.Add(string.Join('\n', lines.Take(arrow)), int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture), match.Groups[3].Value);
        }

        return data;
    }

    [Fact]
    public void Documentation_HasExamplesOfBothKinds()
    {
        // Guards the reading itself: a renamed fence would otherwise leave the theories with nothing to check.
        Assert.True(ValidRules().Count >= 14, $"only {ValidRules().Count} valid examples found in docs/targeting.md");
        Assert.True(InvalidRules().Count >= 10, $"only {InvalidRules().Count} error examples found in docs/targeting.md");
    }

    [Theory]
    [MemberData(nameof(ValidRules))]
    public void Compile_DocumentationExample_Succeeds(string source)
    {
        TestContexts.CompileOrThrow(source);
    }

    [Theory]
    [MemberData(nameof(InvalidRules))]
    public void Compile_DocumentationErrorExample_FailsWhereAndAsTheDocSays(string source, int line, int column, string message)
    {
        var result = TargetingRule.Compile(source);

        Assert.False(result.Success, $"the doc says this rule fails: {source}");
        var first = result.Errors[0];
        Assert.Equal((line, column), (first.Line, first.Column));
        Assert.Equal(message, first.Message);
    }
}
