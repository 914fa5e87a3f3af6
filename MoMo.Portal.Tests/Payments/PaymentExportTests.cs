using MoMo.Portal.Payments;

namespace MoMo.Portal.Tests.Payments;

public sealed class PaymentExportTests
{
    [Theory]
    [InlineData("TX-1", "TX-1")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("=HYPERLINK(\"http://evil\")", "\"'=HYPERLINK(\"\"http://evil\"\")\"")]
    [InlineData("+256772", "\"'+256772\"")]
    [InlineData("@SUM(A1)", "\"'@SUM(A1)\"")]
    [InlineData("-2+3", "\"'-2+3\"")]
    [InlineData("\tcmd", "\"'\tcmd\"")]
    [InlineData("\r=1", "\"'\r=1\"")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void Cells_are_quoted_and_never_run_as_formulas(string? value, string expected) =>
        Assert.Equal(expected, PaymentExport.Cell(value));
}
