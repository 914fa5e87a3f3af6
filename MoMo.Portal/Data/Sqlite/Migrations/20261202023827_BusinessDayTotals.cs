using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MoMo.Portal.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class BusinessDayTotals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Existing payments start with BucketVersion 1 and FoldedVersion 0, as new ones do: unfolded, so the
            // first fold counts the whole history into the running totals.
            migrationBuilder.AddColumn<int>(
                name: "BucketVersion",
                table: "Payments",
                type: "INTEGER",
                nullable: false,
                defaultValue: 1);

            migrationBuilder.AddColumn<string>(
                name: "FoldedBucket",
                table: "Payments",
                type: "TEXT",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "FoldedVersion",
                table: "Payments",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "BusinessDays",
                columns: table => new
                {
                    Day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    ClosedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ClosedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_BusinessDays", x => x.Day);
                });

            migrationBuilder.CreateTable(
                name: "DayAdjustments",
                columns: table => new
                {
                    Day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    OriginDay = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    BankCode = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    PartnerAccountId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Currency = table.Column<string>(type: "TEXT", fixedLength: true, maxLength: 3, nullable: false),
                    Bucket = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Count = table.Column<long>(type: "INTEGER", nullable: false),
                    AmountMinor = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DayAdjustments", x => new { x.Day, x.OriginDay, x.BankCode, x.PartnerAccountId, x.Currency, x.Bucket });
                });

            migrationBuilder.CreateTable(
                name: "DayTotals",
                columns: table => new
                {
                    Day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    BankCode = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    PartnerAccountId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Currency = table.Column<string>(type: "TEXT", fixedLength: true, maxLength: 3, nullable: false),
                    Bucket = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Count = table.Column<long>(type: "INTEGER", nullable: false),
                    AmountMinor = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DayTotals", x => new { x.Day, x.BankCode, x.PartnerAccountId, x.Currency, x.Bucket });
                });

            migrationBuilder.CreateTable(
                name: "TotalsLocks",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false),
                    LastFoldAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TotalsLocks", x => x.Id);
                });

            migrationBuilder.InsertData(
                table: "TotalsLocks",
                columns: new[] { "Id", "LastFoldAtUtc" },
                values: new object[] { 1, null });

            migrationBuilder.CreateIndex(
                name: "IX_Payments_Unfolded",
                table: "Payments",
                column: "Id",
                filter: "\"FoldedVersion\" <> \"BucketVersion\"");

            migrationBuilder.CreateIndex(
                name: "IX_DayAdjustments_OriginDay",
                table: "DayAdjustments",
                column: "OriginDay");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "BusinessDays");

            migrationBuilder.DropTable(
                name: "DayAdjustments");

            migrationBuilder.DropTable(
                name: "DayTotals");

            migrationBuilder.DropTable(
                name: "TotalsLocks");

            migrationBuilder.DropIndex(
                name: "IX_Payments_Unfolded",
                table: "Payments");

            migrationBuilder.DropColumn(
                name: "BucketVersion",
                table: "Payments");

            migrationBuilder.DropColumn(
                name: "FoldedBucket",
                table: "Payments");

            migrationBuilder.DropColumn(
                name: "FoldedVersion",
                table: "Payments");
        }
    }
}
