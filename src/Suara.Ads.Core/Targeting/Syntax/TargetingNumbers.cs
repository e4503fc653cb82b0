using System.Globalization;

namespace Suara.Ads.Core.Targeting.Syntax;

/// <summary>How a kv value is read as a number (shared by the compiled evaluator and the reference interpreter).</summary>
internal static class TargetingNumbers
{
    private const NumberStyles Styles = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint;

    /// <summary>
    /// Parses a decimal number such as <c>42</c>, <c>-3</c> or <c>2.5</c> (invariant culture, no spaces,
    /// no exponent, finite only). Allocates nothing.
    /// </summary>
    public static bool TryParse(string text, out double value) =>
        double.TryParse(text, Styles, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
}
