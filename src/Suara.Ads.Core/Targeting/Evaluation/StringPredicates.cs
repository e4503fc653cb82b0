using System.Collections.Frozen;

namespace Suara.Ads.Core.Targeting.Evaluation;

/// <summary>The string operators as <see cref="IStringPredicate"/> structs; all compare ordinal ignore-case.</summary>
internal static class StringPredicates
{
    internal readonly struct EqualTo(string expected) : IStringPredicate
    {
        private readonly string _expected = expected;

        public bool Test(string value) => string.Equals(value, _expected, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary><c>in</c> over a short list: a linear scan beats hashing for a handful of values.</summary>
    internal readonly struct InArray(string[] expected) : IStringPredicate
    {
        private readonly string[] _expected = expected;

        public bool Test(string value)
        {
            foreach (string candidate in _expected)
            {
                if (string.Equals(value, candidate, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }

            return false;
        }
    }

    internal readonly struct InSet(FrozenSet<string> expected) : IStringPredicate
    {
        private readonly FrozenSet<string> _expected = expected;

        public bool Test(string value) => _expected.Contains(value);
    }

    internal readonly struct Contains(string part) : IStringPredicate
    {
        private readonly string _part = part;

        public bool Test(string value) => value.Contains(_part, StringComparison.OrdinalIgnoreCase);
    }

    internal readonly struct StartsWith(string prefix) : IStringPredicate
    {
        private readonly string _prefix = prefix;

        public bool Test(string value) => value.StartsWith(_prefix, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Negates another predicate (<c>!=</c>, <c>not in</c>) without an extra virtual call.</summary>
    internal readonly struct Not<TInner>(TInner inner) : IStringPredicate
        where TInner : struct, IStringPredicate
    {
        private readonly TInner _inner = inner;

        public bool Test(string value) => !_inner.Test(value);
    }
}
