using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace MoMo.Portal.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class BankStatementImport : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "StatementFiles",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    BankCode = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    FileName = table.Column<string>(type: "character varying(260)", maxLength: 260, nullable: false),
                    Sha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Message = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    ImportedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ImportedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    Content = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StatementFiles", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "BankStatements",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    FileId = table.Column<long>(type: "bigint", nullable: false),
                    BankCode = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    StatementId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    MessageId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Account = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    FromUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ToUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_BankStatements", x => x.Id);
                    table.ForeignKey(
                        name: "FK_BankStatements_StatementFiles_FileId",
                        column: x => x.FileId,
                        principalTable: "StatementFiles",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "StatementEntries",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    BankStatementId = table.Column<long>(type: "bigint", nullable: false),
                    EntryIndex = table.Column<int>(type: "integer", nullable: false),
                    DetailIndex = table.Column<int>(type: "integer", nullable: false),
                    EntryReference = table.Column<string>(type: "character varying(140)", maxLength: 140, nullable: true),
                    AccountServicerReference = table.Column<string>(type: "character varying(140)", maxLength: 140, nullable: true),
                    BookingDate = table.Column<DateOnly>(type: "date", nullable: true),
                    ValueDate = table.Column<DateOnly>(type: "date", nullable: true),
                    AmountMinor = table.Column<long>(type: "bigint", nullable: false),
                    Currency = table.Column<string>(type: "character(3)", fixedLength: true, maxLength: 3, nullable: false),
                    IsCredit = table.Column<bool>(type: "boolean", nullable: false),
                    IsReversal = table.Column<bool>(type: "boolean", nullable: false),
                    Status = table.Column<string>(type: "character varying(4)", maxLength: 4, nullable: false),
                    BankTransactionCode = table.Column<string>(type: "character varying(140)", maxLength: 140, nullable: true),
                    EndToEndId = table.Column<string>(type: "character varying(140)", maxLength: 140, nullable: true),
                    TransactionId = table.Column<string>(type: "character varying(140)", maxLength: 140, nullable: true),
                    InstructionId = table.Column<string>(type: "character varying(140)", maxLength: 140, nullable: true),
                    Uetr = table.Column<string>(type: "character varying(140)", maxLength: 140, nullable: true),
                    DetailAccountServicerReference = table.Column<string>(type: "character varying(140)", maxLength: 140, nullable: true),
                    DebtorName = table.Column<string>(type: "character varying(140)", maxLength: 140, nullable: true),
                    Remittance = table.Column<string>(type: "character varying(140)", maxLength: 140, nullable: true),
                    PaymentId = table.Column<long>(type: "bigint", nullable: true),
                    Break = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StatementEntries", x => x.Id);
                    table.ForeignKey(
                        name: "FK_StatementEntries_BankStatements_BankStatementId",
                        column: x => x.BankStatementId,
                        principalTable: "BankStatements",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_BankStatements_BankCode_StatementId",
                table: "BankStatements",
                columns: new[] { "BankCode", "StatementId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_BankStatements_FileId",
                table: "BankStatements",
                column: "FileId");

            migrationBuilder.CreateIndex(
                name: "IX_StatementEntries_BankStatementId",
                table: "StatementEntries",
                column: "BankStatementId");

            migrationBuilder.CreateIndex(
                name: "IX_StatementEntries_Break",
                table: "StatementEntries",
                column: "Break",
                filter: "\"Break\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_StatementEntries_PaymentId",
                table: "StatementEntries",
                column: "PaymentId",
                unique: true,
                filter: "\"PaymentId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_StatementFiles_BankCode_Sha256",
                table: "StatementFiles",
                columns: new[] { "BankCode", "Sha256" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "StatementEntries");

            migrationBuilder.DropTable(
                name: "BankStatements");

            migrationBuilder.DropTable(
                name: "StatementFiles");
        }
    }
}
