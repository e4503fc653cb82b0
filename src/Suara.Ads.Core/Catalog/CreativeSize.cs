using System.Globalization;

namespace Suara.Ads.Core.Catalog;

/// <summary>A creative or placement size, <c>WIDTHxHEIGHT</c> in CSS pixels.</summary>
/// <param name="Width">Width, 1-4000.</param>
/// <param name="Height">Height, 1-4000.</param>
public readonly record struct CreativeSize(int Width, int Height)
{
    /// <summary>Largest accepted width or height.</summary>
    public const int MaxDimension = 4000;

    /// <summary>Parses <c>WIDTHxHEIGHT</c>.</summary>
    public static bool TryParse(string? text, out CreativeSize size)
    {
        size = default;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var x = text.IndexOf('x', StringComparison.Ordinal);
        if (x <= 0 || x == text.Length - 1
            || !int.TryParse(text.AsSpan(0, x), NumberStyles.None, CultureInfo.InvariantCulture, out var w)
            || !int.TryParse(text.AsSpan(x + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var h)
            || w is < 1 or > MaxDimension || h is < 1 or > MaxDimension)
        {
            return false;
        }

        size = new CreativeSize(w, h);
        return true;
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Width}x{Height}");
}
