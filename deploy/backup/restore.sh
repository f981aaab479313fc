#!/usr/bin/env bash
# Restores one backup written by backup.sh: checks its sums, loads the dump into DATABASE_URL's
# database (created with utf8mb4 if missing; it must hold no tables) and puts the uploads back
# into UPLOADS_DIR (or S3_BUCKET). Stop the app first (docs/OPERATIONS.md).
#
#   restore.sh BACKUP_FOLDER
set -euo pipefail
. "$(dirname "$0")/common.sh"

backup=${1:?usage: restore.sh BACKUP_FOLDER (e.g. /backups/studymate-2026-12-06-020000)}
[ -f "$backup/SHA256SUMS" ] || die "$backup holds no SHA256SUMS: not a finished backup"
(cd "$backup" && sha256sum --quiet -c SHA256SUMS) || die "$backup does not match its checksums"
parse_database_url
pick_clients
write_option_file
started=$(date +%s)

sql -e "create database if not exists \`$DB_NAME\` character set utf8mb4 collate utf8mb4_unicode_ci"
tables=$(sql -e "select count(*) from information_schema.tables where table_schema = '$DB_NAME'")
[ "$tables" = 0 ] || die "database $DB_NAME already holds $tables tables; drop it or restore into a new one"
gzip -dc "$backup/database.sql.gz" | sql "$DB_NAME"

if [ -n "${S3_BUCKET:-}" ]; then
  command -v aws >/dev/null || die "S3_BUCKET is set but the aws CLI is not installed"
  staging=$(mktemp -d)
  tar -C "$staging" -xzf "$backup/uploads.tar.gz"
  aws s3 sync --only-show-errors ${S3_ENDPOINT:+--endpoint-url "$S3_ENDPOINT"} "$staging" "s3://$S3_BUCKET"
  rm -rf "$staging"
elif [ -n "${UPLOADS_DIR:-}" ]; then
  mkdir -p "$UPLOADS_DIR"
  tar -C "$UPLOADS_DIR" -xzf "$backup/uploads.tar.gz"
else
  die "set UPLOADS_DIR or S3_BUCKET"
fi
echo "restored $backup into $DB_NAME in $(($(date +%s) - started)) s"
