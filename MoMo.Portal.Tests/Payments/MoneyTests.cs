using MoMo.Portal.Payments;

namespace MoMo.Portal.Tests.Payments;

public sealed class MoneyTests
{
    [Theory]
    [InlineData("55", 2, 5500)]
    [InlineData("55.1", 2, 5510)]
    [InlineData("0.01", 2, 1)]
    [InlineData("7", 0, 7)]
    [InlineData("0.001", 3, 1)]
    [InlineData("999999999999999", 0, Money.MaxMinorUnits)]
    public void Parses_plain_decimals_into_exact_minor_units(string text, int decimals, long expected)
    {
        Assert.True(Money.TryParse(text, "XXX", decimals, out var minor, out var error), error);
        Assert.Equal(expected, minor);
    }

    [Theory]
    [InlineData("1000000000000000", 0, "too large")]
    [InlineData("10000000000000.00", 2, "too large")]
    [InlineData("1.5", 0, "no decimal places")]
    [InlineData("1.505", 2, "at most 2 decimal places")]
    [InlineData("0.000", 3, "greater than zero")]
    [InlineData("5\n", 2, "positive decimal")]
    public void Refuses_what_cannot_be_an_exact_positive_amount(string text, int decimals, string reason)
    {
        Assert.False(Money.TryParse(text, "XXX", decimals, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(5510, 2, "55.10")]
    [InlineData(5, 2, "0.05")]
    [InlineData(1234, 3, "1.234")]
    [InlineData(250000, 0, "250000")]
    public void Formats_with_exactly_the_currencys_decimals(long minor, int decimals, string expected) =>
        Assert.Equal(expected, Money.Format(minor, decimals));

    [Theory]
    [InlineData("USD", 2)]
    [InlineData("UGX", 0)]
    [InlineData("KES", 2)]
    [InlineData("KWD", 3)]
    [InlineData("JPY", 0)]
    [InlineData("XOF", 0)]
    [InlineData("CLF", 4)]
    public void Knows_each_currencys_decimals(string code, int decimals)
    {
        Assert.True(Currencies.TryGetMinorUnits(code, out var actual));
        Assert.Equal(decimals, actual);
    }

    [Theory]
    [InlineData("usd")]
    [InlineData("XAU")]
    [InlineData("XXX")]
    [InlineData("US")]
    public void Does_not_take_codes_nobody_pays_in(string code) => Assert.False(Currencies.IsKnown(code));
}
