using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Audit;
using MoMo.Portal.Data;

namespace MoMo.Portal.Payers;

/// <summary>Registers and changes payers.</summary>
public sealed class PayerService(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider clock)
{
    public async Task<ChangeResult<Payer>> CreateAsync(
        string id, string name, string? phoneNumber, string actor, CancellationToken cancellationToken)
    {
        var errors = PayerRules.Validate(id, name, phoneNumber);
        if (errors.Count > 0)
        {
            return ChangeResult<Payer>.Failure(errors);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.Payers.AnyAsync(p => p.Id == id, cancellationToken))
        {
            return ChangeResult<Payer>.Failure("Id", $"A payer with the id '{id}' already exists.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var payer = new Payer { Id = id, Name = name, PhoneNumber = phoneNumber, CreatedAtUtc = now };
        db.Payers.Add(payer);
        db.AuditEntries.Add(AuditEntry.Record(actor, "payer.create", "Payer", id, null,
            new { payer.Id, payer.Name, payer.PhoneNumber }, now));
        await db.SaveChangesAsync(cancellationToken);
        return ChangeResult<Payer>.Success(payer);
    }

    public async Task<ChangeResult<Payer>> UpdateAsync(string id, string name, string? phoneNumber, string actor, CancellationToken cancellationToken)
    {
        var errors = PayerRules.Validate(id, name, phoneNumber);
        if (errors.Count > 0)
        {
            return ChangeResult<Payer>.Failure(errors);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var payer = await db.Payers.SingleOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (payer is null)
        {
            return ChangeResult<Payer>.Failure("Id", $"There is no payer '{id}'.");
        }

        var before = new { payer.Name, payer.PhoneNumber };
        payer.Name = name;
        payer.PhoneNumber = phoneNumber;
        db.AuditEntries.Add(AuditEntry.Record(actor, "payer.update", "Payer", id, before, new { payer.Name, payer.PhoneNumber },
            clock.GetUtcNow().UtcDateTime));
        await db.SaveChangesAsync(cancellationToken);
        return ChangeResult<Payer>.Success(payer);
    }
}
