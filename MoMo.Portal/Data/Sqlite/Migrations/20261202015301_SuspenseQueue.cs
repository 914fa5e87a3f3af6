using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MoMo.Portal.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class SuspenseQueue : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_Payments_Partners_PartnerAccountId",
                table: "Payments");

            migrationBuilder.DropForeignKey(
                name: "FK_Payments_Payers_PayerId",
                table: "Payments");

            migrationBuilder.AddColumn<string>(
                name: "UnknownReference",
                table: "Banks",
                type: "TEXT",
                maxLength: 8,
                nullable: false,
                defaultValue: "Reject");

            migrationBuilder.CreateTable(
                name: "SuspenseCases",
                columns: table => new
                {
                    PaymentId = table.Column<long>(type: "INTEGER", nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    HeldAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Proposal = table.Column<string>(type: "TEXT", maxLength: 8, nullable: true),
                    ProposedPayerId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    ProposedPartnerAccountId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    NewPayerName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    ProposalNote = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    ProposedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    ProposedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    Resolution = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    ResolvedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    ResolvedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SuspenseCases", x => x.PaymentId);
                    table.ForeignKey(
                        name: "FK_SuspenseCases_Payments_PaymentId",
                        column: x => x.PaymentId,
                        principalTable: "Payments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "SuspenseCases");

            migrationBuilder.DropColumn(
                name: "UnknownReference",
                table: "Banks");

            migrationBuilder.AddForeignKey(
                name: "FK_Payments_Partners_PartnerAccountId",
                table: "Payments",
                column: "PartnerAccountId",
                principalTable: "Partners",
                principalColumn: "AccountId",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "FK_Payments_Payers_PayerId",
                table: "Payments",
                column: "PayerId",
                principalTable: "Payers",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);
        }
    }
}
