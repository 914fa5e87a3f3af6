using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MoMo.Portal.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class RouterInbox : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Payments_DeliveryId",
                table: "Payments");

            migrationBuilder.DropIndex(
                name: "IX_Payments_PartnerAccountId_Status_NextAttemptAtUtc",
                table: "Payments");

            migrationBuilder.CreateIndex(
                name: "IX_Payments_PartnerAccountId_Status_NextAttemptAtUtc",
                table: "Payments",
                columns: new[] { "PartnerAccountId", "Status", "NextAttemptAtUtc" },
                filter: "\"Status\" <> 'Received' OR \"NextAttemptAtUtc\" IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Payments_PartnerAccountId_Status_NextAttemptAtUtc",
                table: "Payments");

            migrationBuilder.CreateIndex(
                name: "IX_Payments_DeliveryId",
                table: "Payments",
                column: "DeliveryId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Payments_PartnerAccountId_Status_NextAttemptAtUtc",
                table: "Payments",
                columns: new[] { "PartnerAccountId", "Status", "NextAttemptAtUtc" });
        }
    }
}
