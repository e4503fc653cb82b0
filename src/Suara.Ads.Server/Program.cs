var builder = WebApplication.CreateBuilder(args);
builder.Services.AddSuaraAds();

var app = builder.Build();
app.UseSuaraAds();
app.Run();
