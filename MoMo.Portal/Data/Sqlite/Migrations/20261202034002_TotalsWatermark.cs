using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MoMo.Portal.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class TotalsWatermark : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "CountedThroughPaymentId",
                table: "TotalsLocks",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.UpdateData(
                table: "TotalsLocks",
                keyColumn: "Id",
                keyValue: 1,
                column: "CountedThroughPaymentId",
                value: 0L);

            // Payments stored before this version were counted by their versions; the watermark starts after them, so
            // the fold counts by id only the payments inserted from now on.
            migrationBuilder.Sql("""UPDATE "TotalsLocks" SET "CountedThroughPaymentId" = COALESCE((SELECT MAX("Id") FROM "Payments"), 0);""");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "CountedThroughPaymentId",
                table: "TotalsLocks");
        }
    }
}
