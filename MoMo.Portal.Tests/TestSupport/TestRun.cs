namespace MoMo.Portal.Tests.TestSupport;

/// <summary>What every test reaches for (imported everywhere by <c>global using static</c>).</summary>
public static class TestRun
{
    /// <summary>The running test's token: cancelled when the test is, or when the run times out.</summary>
    public static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;
}
