using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MoMo.Portal.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class FewerPaymentIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Payments_ClaimToken",
                table: "Payments");

            migrationBuilder.DropIndex(
                name: "IX_Payments_ProofKey",
                table: "Payments");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Payments_ClaimToken",
                table: "Payments",
                column: "ClaimToken");

            migrationBuilder.CreateIndex(
                name: "IX_Payments_ProofKey",
                table: "Payments",
                column: "ProofKey",
                unique: true);
        }
    }
}
