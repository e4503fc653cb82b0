namespace Suara.Ads.Core.Targeting.Syntax;

/// <summary>A field name as written (<c>country</c>, <c>kv.tier</c>); resolved by the type checker.</summary>
internal sealed record FieldReference(string Name, SourcePosition Position)
{
    public bool Equals(FieldReference? other) =>
        other is not null && string.Equals(Name, other.Name, StringComparison.OrdinalIgnoreCase);

    public override int GetHashCode() => StringComparer.OrdinalIgnoreCase.GetHashCode(Name);
}
