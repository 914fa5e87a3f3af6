namespace MoMo.Portal.Banks;

/// <summary>What a bank wants done with a payment that names a payer or partner no one registered.</summary>
public enum UnknownReferencePolicy
{
    /// <summary>Refuse it with 422 <c>unknown_reference</c> (the original contract): the bank keeps the money and resends.</summary>
    Reject,

    /// <summary>
    /// Store it (201) in suspense: the money has arrived, so operations repair it to a payer and partner or return it
    /// to the bank, under two-person approval.
    /// </summary>
    Hold,
}
