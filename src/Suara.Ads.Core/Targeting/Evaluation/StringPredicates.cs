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

    /// <summary>
    /// <c>startswith</c>. An ASCII prefix is compared char by char, ASCII letters folded, which is what ordinal
    /// ignore-case does for ASCII; a value with a non-ASCII char where it differs from the prefix is left to
    /// <see cref="string.StartsWith(string, StringComparison)"/>. Path rules run on every candidate check: the
    /// framework's general comparison cost a replayed forecast several per cent.
    /// </summary>
    internal readonly struct StartsWith(string prefix) : IStringPredicate
    {
        private readonly string _prefix = prefix;
        private readonly bool _ascii = System.Text.Ascii.IsValid(prefix);

        public bool Test(string value)
        {
            var prefix = _prefix;
            if (!_ascii)
            {
                return value.StartsWith(prefix, StringComparison.OrdinalIgnoreCase);
            }

            if (value.Length < prefix.Length)
            {
                return false;
            }

            for (var i = 0; i < prefix.Length; i++)
            {
                var a = value[i];
                var b = prefix[i];
                if (a == b)
                {
                    continue;
                }

                if (a > 0x7F)
                {
                    return value.StartsWith(prefix, StringComparison.OrdinalIgnoreCase);
                }

                // Two ASCII chars that differ are equal ignoring case only as the two cases of one letter.
                var folded = a | 0x20;
                if (folded != (b | 0x20) || (uint)(folded - 'a') > 'z' - 'a')
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>Negates another predicate (<c>!=</c>, <c>not in</c>) without an extra virtual call.</summary>
    internal readonly struct Not<TInner>(TInner inner) : IStringPredicate
        where TInner : struct, IStringPredicate
    {
        private readonly TInner _inner = inner;

        public bool Test(string value) => !_inner.Test(value);
    }
}
