#!/usr/bin/env bash
# One verified backup of STUDYMATE, then retention. Used by the compose backup service, the
# Kubernetes CronJob and the CI restore drill; restore with restore.sh (docs/OPERATIONS.md).
#
#   DATABASE_URL      mysql://user:password@host:port/database (required)
#   BACKUP_DIR        where dated backups go (required)
#   UPLOADS_DIR       the uploads folder, or
#   S3_BUCKET         the uploads bucket (with S3_ENDPOINT and AWS_* credentials; needs the aws CLI)
#   BACKUP_KEEP_DAYS  days of backups kept, counted over the days that have one (default 7)
#
# Writes BACKUP_DIR/studymate-YYYY-MM-DD-HHMMSS/ (UTC){database.sql.gz, uploads.tar.gz, SHA256SUMS},
# under a temporary name until every check passed. Exits non-zero on any failure, and then
# deletes nothing.
set -euo pipefail
. "$(dirname "$0")/common.sh"

[ -n "${BACKUP_DIR:-}" ] || die "BACKUP_DIR is not set"
# Backups hold every message and upload: readable by their owner only.
umask 077
KEEP_DAYS=${BACKUP_KEEP_DAYS:-7}
parse_database_url
pick_clients
write_option_file
mkdir -p "$BACKUP_DIR"

# Named by UTC date and time, so names sort in time order whatever the host's zone.
name="studymate-$(date -u +%Y-%m-%d-%H%M%S)"
work="$BACKUP_DIR/.partial-$name"
rm -rf "$work"
mkdir -p "$work"
# A failed run leaves no half-written backup behind (a finished one has been moved away by then).
trap 'rm -f "$DB_OPTIONS"; rm -rf "$work"' EXIT
started=$(date +%s)

# One consistent snapshot without locking InnoDB tables; rows streamed, not buffered.
"$DUMP" --defaults-extra-file="$DB_OPTIONS" --single-transaction --quick --routines --triggers \
  --hex-blob --no-tablespaces --default-character-set=utf8mb4 "$DB_NAME" | gzip -6 >"$work/database.sql.gz"

if [ -n "${S3_BUCKET:-}" ]; then
  command -v aws >/dev/null || die "S3_BUCKET is set but the aws CLI is not installed"
  mkdir -p "$work/uploads"
  aws s3 sync --only-show-errors ${S3_ENDPOINT:+--endpoint-url "$S3_ENDPOINT"} "s3://$S3_BUCKET" "$work/uploads"
  tar -C "$work/uploads" -czf "$work/uploads.tar.gz" .
  rm -rf "$work/uploads"
elif [ -n "${UPLOADS_DIR:-}" ]; then
  [ -d "$UPLOADS_DIR" ] || die "UPLOADS_DIR $UPLOADS_DIR is not a folder"
  tar -C "$UPLOADS_DIR" -czf "$work/uploads.tar.gz" .
else
  die "set UPLOADS_DIR or S3_BUCKET"
fi
(cd "$work" && sha256sum database.sql.gz uploads.tar.gz >SHA256SUMS)

# Checked after writing: the archives decompress, the dump ran to its end, the sums match.
(cd "$work" && sha256sum --quiet -c SHA256SUMS) || die "checksum mismatch right after writing"
gzip -t "$work/database.sql.gz" || die "database.sql.gz is corrupt"
tail_line=$(gzip -dc "$work/database.sql.gz" | tail -n 1)
case "$tail_line" in "-- Dump completed"*) ;; *) die "the dump is truncated (last line: $tail_line)" ;; esac
tar -tzf "$work/uploads.tar.gz" >/dev/null || die "uploads.tar.gz is corrupt"

mv "$work" "$BACKUP_DIR/$name"
echo "backup $BACKUP_DIR/$name: $(du -sh "$BACKUP_DIR/$name" | cut -f1) in $(($(date +%s) - started)) s"

# Retention: keep every backup of the newest KEEP_DAYS days that have one. Counting days with a
# backup (not calendar days) means a week of failed runs never deletes the last good backups.
keep_dates=$(list_backups "$BACKUP_DIR" | cut -c11-20 | sort -u | tail -n "$KEEP_DAYS")
for old in $(list_backups "$BACKUP_DIR"); do
  grep -qx "${old:10:10}" <<<"$keep_dates" || { rm -rf "${BACKUP_DIR:?}/$old"; echo "removed $old"; }
done
# Leftovers of a run that was killed outright (no EXIT trap ran).
find "$BACKUP_DIR" -mindepth 1 -maxdepth 1 -name '.partial-*' -mmin +1440 -exec rm -rf {} +
