using System.Globalization;
using System.Text;

namespace Suara.Ads.Server.Reports;

/// <summary>
/// CSV that is safe to open in a spreadsheet (RFC 4180, OWASP "CSV injection"): a text cell that would start with
/// <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, a tab or a carriage return is prefixed with <c>'</c> so that it is never read as a
/// formula; cells with a comma, quote or line break are quoted; numbers are written in the invariant culture.
/// </summary>
internal sealed class Csv
{
    private readonly StringBuilder _text = new();
    private bool _rowStarted;

    /// <summary>A document whose first line is <paramref name="header"/>.</summary>
    public Csv(params string[] header)
    {
        foreach (var name in header)
        {
            Text(name);
        }

        EndRow();
    }

    /// <summary>Appends a text cell, neutralised and quoted as needed.</summary>
    public Csv Text(string? value)
    {
        Separator();
        if (string.IsNullOrEmpty(value))
        {
            return this;
        }

        var cell = value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + value : value;
        if (cell.AsSpan().IndexOfAny(",\"\r\n") >= 0)
        {
            _text.Append('"').Append(cell.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
        }
        else
        {
            _text.Append(cell);
        }

        return this;
    }

    /// <summary>Appends a count.</summary>
    public Csv Number(long value)
    {
        Separator();
        _text.Append(value.ToString(CultureInfo.InvariantCulture));
        return this;
    }

    /// <summary>Appends a rate.</summary>
    public Csv Number(double value)
    {
        Separator();
        _text.Append(value.ToString("0.######", CultureInfo.InvariantCulture));
        return this;
    }

    /// <summary>Appends an amount of money (two decimals), or nothing for none.</summary>
    public Csv Money(decimal? value)
    {
        Separator();
        if (value is { } amount)
        {
            _text.Append(amount.ToString("0.00", CultureInfo.InvariantCulture));
        }

        return this;
    }

    /// <summary>Ends the current row.</summary>
    public Csv EndRow()
    {
        _text.Append("\r\n");
        _rowStarted = false;
        return this;
    }

    /// <summary>The document as UTF-8 bytes.</summary>
    public byte[] ToBytes() => Encoding.UTF8.GetBytes(_text.ToString());

    public override string ToString() => _text.ToString();

    private void Separator()
    {
        if (_rowStarted)
        {
            _text.Append(',');
        }

        _rowStarted = true;
    }
}
