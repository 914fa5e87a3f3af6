using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MoMo.Portal.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class PaymentKeysApart : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Payments_Currency_AmountMinor",
                table: "Payments");

            migrationBuilder.DropIndex(
                name: "IX_Payments_PayerId_ReceivedAtUtc",
                table: "Payments");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Payments_Currency_AmountMinor",
                table: "Payments",
                columns: new[] { "Currency", "AmountMinor" });

            migrationBuilder.CreateIndex(
                name: "IX_Payments_PayerId_ReceivedAtUtc",
                table: "Payments",
                columns: new[] { "PayerId", "ReceivedAtUtc" });
        }
    }
}
