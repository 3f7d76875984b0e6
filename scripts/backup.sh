#!/bin/sh
# Back up the Newsroom database: scripts/backup.sh DATABASE_URL FILE
# Custom-format dump (compressed, restorable table by table with pg_restore).
set -eu
url=${1:?usage: backup.sh DATABASE_URL FILE}
file=${2:?usage: backup.sh DATABASE_URL FILE}
pg_dump --format=custom --no-owner --no-privileges --file="$file" "$url"
echo "backup written to $file ($(wc -c < "$file") bytes)"
