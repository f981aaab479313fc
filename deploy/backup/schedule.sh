#!/usr/bin/env bash
# The compose backup service: runs backup.sh every day at BACKUP_AT (default 02:00, in TZ) and
# touches a heartbeat the healthcheck reads. A loop rather than cron, so the environment reaches
# the script unchanged.
set -uo pipefail
at=${BACKUP_AT:-02:00}
next=$(date -d "today $at" +%s)
[ "$next" -gt "$(date +%s)" ] || next=$(date -d "tomorrow $at" +%s)
while true; do
  touch "$BACKUP_DIR/.scheduler-alive"
  if [ "$(date +%s)" -ge "$next" ]; then
    "$(dirname "$0")/backup.sh" || echo "backup FAILED at $(date -Is)" >&2
    next=$(date -d "tomorrow $at" +%s)
  fi
  sleep 60
done
