using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MoMo.Portal.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class StatementBreakClose : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "BreakClosedAtUtc",
                table: "StatementEntries",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "BreakClosedBy",
                table: "StatementEntries",
                type: "character varying(256)",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "BreakNote",
                table: "StatementEntries",
                type: "character varying(500)",
                maxLength: 500,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "BreakClosedAtUtc",
                table: "StatementEntries");

            migrationBuilder.DropColumn(
                name: "BreakClosedBy",
                table: "StatementEntries");

            migrationBuilder.DropColumn(
                name: "BreakNote",
                table: "StatementEntries");
        }
    }
}
