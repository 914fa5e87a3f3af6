using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MoMo.Portal.Data.Sqlite.Migrations
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
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    BankCode = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    FileName = table.Column<string>(type: "TEXT", maxLength: 260, nullable: false),
                    Sha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Message = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ImportedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ImportedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    Content = table.Column<byte[]>(type: "BLOB", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StatementFiles", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "BankStatements",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    FileId = table.Column<long>(type: "INTEGER", nullable: false),
                    BankCode = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    StatementId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    MessageId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Account = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    FromUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ToUtc = table.Column<DateTime>(type: "TEXT", nullable: true)
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
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    BankStatementId = table.Column<long>(type: "INTEGER", nullable: false),
                    EntryIndex = table.Column<int>(type: "INTEGER", nullable: false),
                    DetailIndex = table.Column<int>(type: "INTEGER", nullable: false),
                    EntryReference = table.Column<string>(type: "TEXT", maxLength: 140, nullable: true),
                    AccountServicerReference = table.Column<string>(type: "TEXT", maxLength: 140, nullable: true),
                    BookingDate = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    ValueDate = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    AmountMinor = table.Column<long>(type: "INTEGER", nullable: false),
                    Currency = table.Column<string>(type: "TEXT", fixedLength: true, maxLength: 3, nullable: false),
                    IsCredit = table.Column<bool>(type: "INTEGER", nullable: false),
                    IsReversal = table.Column<bool>(type: "INTEGER", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 4, nullable: false),
                    BankTransactionCode = table.Column<string>(type: "TEXT", maxLength: 140, nullable: true),
                    EndToEndId = table.Column<string>(type: "TEXT", maxLength: 140, nullable: true),
                    TransactionId = table.Column<string>(type: "TEXT", maxLength: 140, nullable: true),
                    InstructionId = table.Column<string>(type: "TEXT", maxLength: 140, nullable: true),
                    Uetr = table.Column<string>(type: "TEXT", maxLength: 140, nullable: true),
                    DetailAccountServicerReference = table.Column<string>(type: "TEXT", maxLength: 140, nullable: true),
                    DebtorName = table.Column<string>(type: "TEXT", maxLength: 140, nullable: true),
                    Remittance = table.Column<string>(type: "TEXT", maxLength: 140, nullable: true),
                    PaymentId = table.Column<long>(type: "INTEGER", nullable: true),
                    Break = table.Column<string>(type: "TEXT", maxLength: 24, nullable: true)
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
