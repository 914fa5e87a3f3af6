using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MoMo.Portal.Payments;

namespace MoMo.Portal.Ingestion;

/// <summary>A bank's payment request, parsed and validated: what the bank asks MoMo Portal to deliver.</summary>
public sealed record PaymentInstruction(
    string PayerId,
    string PartnerAccountId,
    long AmountMinor,
    string Currency,
    string? BankReference,
    DateTime? BankDateUtc)
{
    /// <summary>
    /// SHA-256 over the meaning of the request, not its bytes: a retry that differs only in whitespace or key order
    /// is the same payment; one that changes the amount under the same transaction id is a conflict.
    /// </summary>
    public string Fingerprint()
    {
        var canonical = string.Join('\n', PayerId, PartnerAccountId,
            AmountMinor.ToString(CultureInfo.InvariantCulture), Currency, BankReference ?? "",
            BankDateUtc?.ToString("O", CultureInfo.InvariantCulture) ?? "");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    /// <summary>The payment this instruction becomes when <paramref name="bankCode"/>'s request is stored.</summary>
    public Payment ToPayment(string bankCode, string fingerprint, string proofKey, DateTime receivedAtUtc, bool held = false) =>
        Payment.Receive(bankCode, PayerId, PartnerAccountId, AmountMinor, Currency, BankReference, BankDateUtc,
            fingerprint, proofKey, receivedAtUtc, held);
}
