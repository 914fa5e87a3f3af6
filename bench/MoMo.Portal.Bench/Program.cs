using MoMo.Portal.Bench;

// dotnet run -c Release --project bench/MoMo.Portal.Bench -- <benchmark> [options]; see README in docs/BENCHMARKS.md.
return args.FirstOrDefault() switch
{
    "portal" => await PortalBenchmark.RunAsync(args[1..]),
    "seed-ingest" => await IngestSeed.RunAsync(args[1..]),
    "route" => await RoutingBenchmark.RunAsync(args[1..]),
    "reconcile" => await ReconcileBenchmark.RunAsync(args[1..]),
    "e2e" => await EndToEndBenchmark.RunAsync(args[1..]),
    "sustain" => await SustainedBenchmark.RunAsync(args[1..]),
    "create-database" => await PostgresDatabase.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: MoMo.Portal.Bench portal [--payments N] [--data DIR] | seed-ingest --data DIR [--postgres CS] --key K [--n N] | route [--payments N] [--partners N] [--slow-ms MS] [--warmup N] [--postgres CS] | reconcile [--entries N] | e2e [--rate N] [--seconds N] | sustain [--seconds N] [--start N] [--connections N] [--rates R1,R2] [--partners N] [--warmup-seconds N] [--postgres CS] | create-database --postgres CS");
    return 2;
}
