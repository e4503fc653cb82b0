namespace Suara.Ads.Core.Targeting.Syntax;

/// <summary>Structural equality for the child lists of syntax nodes.</summary>
internal static class NodeLists
{
    public static bool SequenceEqual<T>(IReadOnlyList<T> left, IReadOnlyList<T> right)
        where T : IEquatable<T>
    {
        if (left.Count != right.Count)
        {
            return false;
        }

        for (int i = 0; i < left.Count; i++)
        {
            if (!left[i].Equals(right[i]))
            {
                return false;
            }
        }

        return true;
    }

    public static int GetHashCode<T>(IReadOnlyList<T> items, int seed)
        where T : notnull
    {
        var hash = new HashCode();
        hash.Add(seed);
        foreach (T item in items)
        {
            hash.Add(item);
        }

        return hash.ToHashCode();
    }
}
