using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MoMo.Portal.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class IntakeWithoutBodies : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<string>(
                name: "ProofKey",
                table: "IntakeRecords",
                type: "character varying(128)",
                maxLength: 128,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "character varying(128)",
                oldMaxLength: 128);

            migrationBuilder.AddColumn<long>(
                name: "BodyBytes",
                table: "IntakeRecords",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RemoteAddress",
                table: "IntakeRecords",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "AllowedNetworks",
                table: "Banks",
                type: "character varying(1000)",
                maxLength: 1000,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "BodyBytes",
                table: "IntakeRecords");

            migrationBuilder.DropColumn(
                name: "RemoteAddress",
                table: "IntakeRecords");

            migrationBuilder.DropColumn(
                name: "AllowedNetworks",
                table: "Banks");

            migrationBuilder.AlterColumn<string>(
                name: "ProofKey",
                table: "IntakeRecords",
                type: "character varying(128)",
                maxLength: 128,
                nullable: false,
                defaultValue: "",
                oldClrType: typeof(string),
                oldType: "character varying(128)",
                oldMaxLength: 128,
                oldNullable: true);
        }
    }
}
