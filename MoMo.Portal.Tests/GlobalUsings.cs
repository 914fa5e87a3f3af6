global using System.Net.Http.Json;
global using Microsoft.Extensions.DependencyInjection;
global using static MoMo.Portal.Tests.TestSupport.TestRun;
