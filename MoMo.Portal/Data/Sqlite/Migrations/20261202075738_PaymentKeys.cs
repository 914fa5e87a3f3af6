using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MoMo.Portal.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class PaymentKeys : Migration
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

            migrationBuilder.CreateTable(
                name: "PaymentKeys",
                columns: table => new
                {
                    PaymentId = table.Column<long>(type: "INTEGER", nullable: false),
                    PayerId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Currency = table.Column<string>(type: "TEXT", fixedLength: true, maxLength: 3, nullable: false),
                    AmountMinor = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PaymentKeys", x => x.PaymentId);
                });

            // The keys of the payments stored so far, before their indexes (faster than indexing row by row); the fold keeps
            // them from here on.
            migrationBuilder.Sql("INSERT INTO \"PaymentKeys\" (\"PaymentId\", \"PayerId\", \"Currency\", \"AmountMinor\") " +
                                 "SELECT \"Id\", \"PayerId\", \"Currency\", \"AmountMinor\" FROM \"Payments\";");

            migrationBuilder.CreateIndex(
                name: "IX_PaymentKeys_Currency_AmountMinor",
                table: "PaymentKeys",
                columns: new[] { "Currency", "AmountMinor" });

            migrationBuilder.CreateIndex(
                name: "IX_PaymentKeys_PayerId_PaymentId",
                table: "PaymentKeys",
                columns: new[] { "PayerId", "PaymentId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "PaymentKeys");

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
