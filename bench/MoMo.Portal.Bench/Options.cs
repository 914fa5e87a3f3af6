namespace MoMo.Portal.Bench;

/// <summary>The few "--name value" options the benchmarks take.</summary>
internal sealed class Options(string[] args)
{
    public string Get(string name, string fallback)
    {
        var index = Array.IndexOf(args, "--" + name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
    }

    public int Get(string name, int fallback) => int.Parse(Get(name, fallback.ToString(System.Globalization.CultureInfo.InvariantCulture)), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The PostgreSQL database to run on (<c>--postgres CONNECTION_STRING</c>, an empty database), or null for SQLite.</summary>
    public string? Postgres => Get("postgres", "") is { Length: > 0 } value ? value : null;

    /// <summary>Points the portal at <see cref="Postgres"/> when given; otherwise it stays on SQLite in its data directory.</summary>
    public void UseDatabase(IConfiguration configuration)
    {
        if (Postgres is { } connectionString)
        {
            configuration["Database:Provider"] = "Postgres";
            configuration["ConnectionStrings:MoMo"] = connectionString;
        }
    }
}
