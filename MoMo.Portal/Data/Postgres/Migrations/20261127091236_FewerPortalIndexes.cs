using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MoMo.Portal.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class FewerPortalIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Payments_PartnerAccountId_ReceivedAtUtc",
                table: "Payments");

            migrationBuilder.DropIndex(
                name: "IX_Payments_Status_ReceivedAtUtc",
                table: "Payments");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Payments_PartnerAccountId_ReceivedAtUtc",
                table: "Payments",
                columns: new[] { "PartnerAccountId", "ReceivedAtUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_Payments_Status_ReceivedAtUtc",
                table: "Payments",
                columns: new[] { "Status", "ReceivedAtUtc" });
        }
    }
}
