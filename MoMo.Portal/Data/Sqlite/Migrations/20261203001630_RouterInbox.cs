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
                name: "IX_Payments_PartnerAccountId_Status_NextAttemptAtUtc",
                table: "Payments");

            migrationBuilder.DropIndex(
                name: "IX_Payments_Status_NextAttemptAtUtc",
                table: "Payments");

            migrationBuilder.CreateIndex(
                name: "IX_Payments_PartnerAccountId_Status_NextAttemptAtUtc",
                table: "Payments",
                columns: new[] { "PartnerAccountId", "Status", "NextAttemptAtUtc" },
                filter: "\"Status\" <> 'Received' OR \"NextAttemptAtUtc\" IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Payments_Status_NextAttemptAtUtc_PartnerAccountId",
                table: "Payments",
                columns: new[] { "Status", "NextAttemptAtUtc", "PartnerAccountId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Payments_PartnerAccountId_Status_NextAttemptAtUtc",
                table: "Payments");

            migrationBuilder.DropIndex(
                name: "IX_Payments_Status_NextAttemptAtUtc_PartnerAccountId",
                table: "Payments");

            migrationBuilder.CreateIndex(
                name: "IX_Payments_PartnerAccountId_Status_NextAttemptAtUtc",
                table: "Payments",
                columns: new[] { "PartnerAccountId", "Status", "NextAttemptAtUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_Payments_Status_NextAttemptAtUtc",
                table: "Payments",
                columns: new[] { "Status", "NextAttemptAtUtc" });
        }
    }
}
