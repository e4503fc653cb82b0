// A published server started from another directory still finds its wwwroot (the console, the reports) next to its
// DLL; otherwise, and whenever --contentRoot is given, ASP.NET Core's default (the working directory) holds.
static string? ContentRoot(string[] args) =>
    args.Any(a => a.StartsWith("--contentRoot", StringComparison.OrdinalIgnoreCase))
    || Directory.Exists(Path.Combine(Directory.GetCurrentDirectory(), "wwwroot"))
    || !Directory.Exists(Path.Combine(AppContext.BaseDirectory, "wwwroot"))
        ? null
        : AppContext.BaseDirectory;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = ContentRoot(args) });
builder.Services.AddSuaraAds();

var app = builder.Build();
app.UseSuaraAds();
app.Run();
