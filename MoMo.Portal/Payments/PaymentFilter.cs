using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;

namespace MoMo.Portal.Payments;

/// <summary>
/// What staff filter the payments list by. One definition serves the grid, the CSV export and "retry all matching",
/// so the three always agree; it round-trips through the URL so a filtered list can be shared as a link.
/// </summary>
public sealed record PaymentFilter
{
    /// <summary>
    /// A status, <see cref="HeldStatus"/> or <see cref="WaitingStatus"/>: the payments on their way split by whether their
    /// partner holds them (<see cref="PaymentRules.IsHeld(PaymentStatus, bool)"/>).
    /// </summary>
    public string? Status { get; init; }
    public string? Partner { get; init; }
    public string? Payer { get; init; }
    public string? Bank { get; init; }
    public string? Currency { get; init; }

    /// <summary>Received on or after this day (UTC).</summary>
    public DateTime? From { get; init; }

    /// <summary>Received on or before this day (UTC), the whole day included.</summary>
    public DateTime? To { get; init; }

    /// <summary>A payment id, a bank transaction id or a payer reference, matched exactly.</summary>
    public string? Search { get; init; }

    public const string HeldStatus = "Held";

    /// <summary>On its way to an enabled partner: received, being delivered or retrying (the dashboard's "Waiting").</summary>
    public const string WaitingStatus = "Waiting";

    /// <summary>
    /// The payments that match; <paramref name="partners"/> tells which partners are disabled (for "Held"), and
    /// <paramref name="keys"/> finds a payer's payments.
    /// </summary>
    public IQueryable<Payment> Apply(IQueryable<Payment> payments, IQueryable<Partners.Partner> partners, PaymentKeys keys)
    {
        // "Partner in the (few) disabled ones" lets the database walk the partner index for each of them; a correlated
        // EXISTS per payment was six times slower over a million payments (docs/BENCHMARKS.md).
        var disabled = partners.Where(Partners.Partner.HoldsPayments).Select(partner => partner.AccountId);
        PaymentStatus? status = Enum.TryParse<PaymentStatus>(Status, out var parsed) ? parsed : null;
        if (Status == HeldStatus)
        {
            payments = PaymentRules.InHalves(
                payments.Where(PaymentRules.OnItsWay).Where(p => disabled.Contains(p.PartnerAccountId)));
        }
        else if (Status == WaitingStatus)
        {
            payments = payments.Where(PaymentRules.OnItsWay).Where(p => !disabled.Contains(p.PartnerAccountId));
        }
        else if (status is { } one)
        {
            payments = payments.Where(p => p.Status == one);
        }

        if (!string.IsNullOrWhiteSpace(Partner))
        {
            // A payment in any status but received is never in the router's inbox: then the partner's index has them all.
            var ofPartner = payments.Where(p => p.PartnerAccountId == Partner);
            payments = status is { } only && only != PaymentStatus.Received
                ? ofPartner.Where(PaymentRules.OutsideInbox)
                : PaymentRules.InHalves(ofPartner);
        }

        if (!string.IsNullOrWhiteSpace(Payer))
        {
            payments = keys.OfPayer(payments, Payer);
        }

        if (!string.IsNullOrWhiteSpace(Bank))
        {
            payments = payments.Where(p => p.BankCode == Bank);
        }

        if (!string.IsNullOrWhiteSpace(Currency))
        {
            payments = payments.Where(p => p.Currency == Currency);
        }

        if (From is { } from)
        {
            var start = DateTime.SpecifyKind(from.Date, DateTimeKind.Utc);
            payments = payments.Where(p => p.ReceivedAtUtc >= start);
        }

        if (To is { } to)
        {
            var end = DateTime.SpecifyKind(to.Date.AddDays(1), DateTimeKind.Utc);
            payments = payments.Where(p => p.ReceivedAtUtc < end);
        }

        if (!string.IsNullOrWhiteSpace(Search))
        {
            var term = Search.Trim();
            var ofPayer = keys.OfPayer(payments, term).Select(p => p.Id);
            payments = long.TryParse(term, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                ? payments.Where(p => p.Id == id || p.BankReference == term || ofPayer.Contains(p.Id))
                : payments.Where(p => p.BankReference == term || ofPayer.Contains(p.Id));
        }

        return payments;
    }

    /// <summary>The filter as URL query parameters (only those set).</summary>
    public Dictionary<string, object?> ToQuery() => new()
    {
        ["status"] = Blank(Status),
        ["partner"] = Blank(Partner),
        ["payer"] = Blank(Payer),
        ["bank"] = Blank(Bank),
        ["currency"] = Blank(Currency),
        ["from"] = From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["to"] = To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["q"] = Blank(Search),
    };

    public string ToQueryString() =>
        QueryHelpers.AddQueryString("", ToQuery().Where(p => p.Value is not null).ToDictionary(p => p.Key, p => (string?)p.Value!.ToString()));

    public static PaymentFilter FromQuery(IReadOnlyDictionary<string, string?> query) => new()
    {
        Status = Blank(query.GetValueOrDefault("status")),
        Partner = Blank(query.GetValueOrDefault("partner")),
        Payer = Blank(query.GetValueOrDefault("payer")),
        Bank = Blank(query.GetValueOrDefault("bank")),
        Currency = Blank(query.GetValueOrDefault("currency")),
        From = Day(query.GetValueOrDefault("from")),
        To = Day(query.GetValueOrDefault("to")),
        Search = Blank(query.GetValueOrDefault("q")),
    };

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static DateTime? Day(string? value) =>
        DateTime.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var day)
            ? DateTime.SpecifyKind(day, DateTimeKind.Utc)
            : null;
}
