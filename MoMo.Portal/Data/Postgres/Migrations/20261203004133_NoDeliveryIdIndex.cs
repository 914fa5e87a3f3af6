using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MoMo.Portal.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class NoDeliveryIdIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Payments_DeliveryId",
                table: "Payments");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Payments_DeliveryId",
                table: "Payments",
                column: "DeliveryId",
                unique: true);
        }
    }
}
