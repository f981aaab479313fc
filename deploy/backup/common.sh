# Shared by backup.sh and restore.sh: the database connection from DATABASE_URL
# (mysql://user:password@host:port/database, the server's own variable), the dump and client
# commands of whichever family is installed (MySQL's mysqldump or MariaDB's mariadb-dump), and
# a private option file so the password never shows in `ps`.

die() { echo "$(basename "$0"): $*" >&2; exit 1; }

url_decode() { printf '%b' "$(printf '%s' "$1" | sed 's/+/ /g; s/%\([0-9A-Fa-f][0-9A-Fa-f]\)/\\x\1/g')"; }

parse_database_url() {
  [ -n "${DATABASE_URL:-}" ] || die "DATABASE_URL is not set (mysql://user:password@host:port/database)"
  case "$DATABASE_URL" in mysql://*) ;; *) die "DATABASE_URL must start with mysql://" ;; esac
  local rest=${DATABASE_URL#mysql://} auth hostport
  rest=${rest%%\?*}
  DB_NAME=$(url_decode "${rest#*/}")
  rest=${rest%%/*}
  auth=""
  case "$rest" in *@*) auth=${rest%@*}; hostport=${rest##*@} ;; *) hostport=$rest ;; esac
  DB_USER=$(url_decode "${auth%%:*}")
  DB_PASSWORD=""
  case "$auth" in *:*) DB_PASSWORD=$(url_decode "${auth#*:}") ;; esac
  DB_HOST=${hostport%:*}
  DB_PORT=3306
  case "$hostport" in *:*) DB_PORT=${hostport##*:} ;; esac
  [ -n "$DB_NAME" ] || die "DATABASE_URL names no database"
  case "$DB_NAME" in *[!A-Za-z0-9_]*) die "database name '$DB_NAME' must be letters, digits and _" ;; esac
}

# Writes the connection into a 0600 option file; every client call passes it first.
write_option_file() {
  DB_OPTIONS=$(mktemp)
  chmod 600 "$DB_OPTIONS"
  {
    echo "[client]"
    echo "host=$DB_HOST"
    echo "port=$DB_PORT"
    [ -n "$DB_USER" ] && echo "user=$DB_USER"
    [ -n "$DB_PASSWORD" ] && echo "password=\"$DB_PASSWORD\""
    echo "default-character-set=utf8mb4"
  } >"$DB_OPTIONS"
  trap 'rm -f "$DB_OPTIONS"' EXIT
}

pick_clients() {
  DUMP=$(command -v mariadb-dump || command -v mysqldump) || die "neither mariadb-dump nor mysqldump is installed"
  CLIENT=$(command -v mariadb || command -v mysql) || die "neither mariadb nor mysql is installed"
}

sql() { "$CLIENT" --defaults-extra-file="$DB_OPTIONS" --batch --skip-column-names "$@"; }

# Backups are folders named studymate-YYYY-MM-DD-HHMMSS, newest last when sorted by name.
list_backups() { find "$1" -mindepth 1 -maxdepth 1 -type d -name 'studymate-????-??-??-??????' -printf '%f\n' | sort; }
