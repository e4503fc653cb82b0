namespace Suara.Ads.Core.Tests.Devices;

/// <summary>The rows of <c>TestData/user-agents.tsv</c>: User-Agents with the expected classification.</summary>
internal static class UserAgentCorpus
{
    private static readonly Lazy<IReadOnlyList<Row>> s_rows = new(Load);

    /// <summary>Every row, in file order.</summary>
    public static IReadOnlyList<Row> Rows => s_rows.Value;

    private static List<Row> Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "TestData", "user-agents.tsv");
        var rows = new List<Row>();
        foreach (var line in File.ReadLines(path))
        {
            if (line.Length == 0 || line.StartsWith('#') || line.StartsWith("ua\t", StringComparison.Ordinal))
            {
                continue;
            }

            var cells = line.Split('\t');
            if (cells.Length != 5)
            {
                throw new InvalidDataException($"Expected 5 tab-separated columns: {line}");
            }

            rows.Add(new Row(cells[0], cells[1], cells[2], cells[3], bool.Parse(cells[4])));
        }

        return rows;
    }

    /// <summary>One User-Agent and how it classifies.</summary>
    public sealed record Row(string Ua, string Device, string Os, string Browser, bool IsBot);
}
