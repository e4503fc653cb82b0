using System.Buffers;

namespace Suara.Ads.Core.Utilities;

/// <summary>The id rule of the contract: <c>[a-z0-9][a-z0-9-]{0,63}</c>.</summary>
public static class Ids
{
    /// <summary>Longest id.</summary>
    public const int MaxLength = 64;

    private static readonly SearchValues<char> s_first = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789");
    private static readonly SearchValues<char> s_rest = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789-");

    /// <summary>Whether <paramref name="id"/> is a valid id.</summary>
    public static bool IsValid(ReadOnlySpan<char> id) =>
        id.Length is > 0 and <= MaxLength && s_first.Contains(id[0]) && !id[1..].ContainsAnyExcept(s_rest);

    /// <summary>The message for an invalid id.</summary>
    public const string Rule = "must match [a-z0-9][a-z0-9-]{0,63}: lower-case letters, digits and '-', starting with a letter or digit, at most 64 characters";
}
