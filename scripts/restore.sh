#!/bin/sh
# Restore a backup into an EMPTY database: scripts/restore.sh FILE DATABASE_URL
# Then run `manage.py migrate` if the code is newer than the backup.
set -eu
file=${1:?usage: restore.sh FILE DATABASE_URL}
url=${2:?usage: restore.sh FILE DATABASE_URL}
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction --dbname="$url" "$file"
echo "restored $file into the database"
