namespace Suara.Ads.Core.Catalog;

/// <summary>Validates catalog entities and whole documents. PLACEHOLDER, filled in by the model work.</summary>
public static class CatalogValidator
{
}
