using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MoMo.Portal.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class BankSilenceAlert : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<TimeOnly>(
                name: "ActiveFrom",
                table: "Banks",
                type: "time without time zone",
                nullable: true);

            migrationBuilder.AddColumn<TimeOnly>(
                name: "ActiveTo",
                table: "Banks",
                type: "time without time zone",
                nullable: true);

            migrationBuilder.AddColumn<TimeSpan>(
                name: "SilenceAlertAfter",
                table: "Banks",
                type: "interval",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ActiveFrom",
                table: "Banks");

            migrationBuilder.DropColumn(
                name: "ActiveTo",
                table: "Banks");

            migrationBuilder.DropColumn(
                name: "SilenceAlertAfter",
                table: "Banks");
        }
    }
}
