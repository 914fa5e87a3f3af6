using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using MoMo.Portal.Tests.TestSupport;

namespace MoMo.Portal.Tests.Hosting;

public sealed class ConfigurationTests
{
    [Fact]
    public async Task Settings_files_are_not_watched_so_database_writes_under_the_content_root_wake_nothing()
    {
        await using var portal = new PortalFactory();
        await portal.InitializeAsync();

        var configuration = (IConfigurationRoot)portal.Services.GetRequiredService<IConfiguration>();
        var files = configuration.Providers.OfType<JsonConfigurationProvider>().ToList();

        Assert.NotEmpty(files);
        Assert.All(files, file => Assert.False(file.Source.ReloadOnChange, $"{file.Source.Path} is watched"));
    }
}
