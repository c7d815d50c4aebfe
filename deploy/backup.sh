#!/usr/bin/env bash
# Back up Espace Famille: the PostgreSQL database (pg_dump, custom format) and the media
# directory (tar), into BACKUP_DIR, keeping BACKUP_KEEP_DAYS days. Reads DATABASE_URL and
# MEDIA_ROOT like the application. With MEDIA_STORAGE=s3, only the database is dumped: the
# bucket's versioning and replication protect the files (docs/deploy.md).
# Prints the two files it wrote; deploy/restore.sh takes them back.
set -euo pipefail

: "${DATABASE_URL:?DATABASE_URL is required}"
BACKUP_DIR="${BACKUP_DIR:-/var/backups/espace-famille}"
BACKUP_KEEP_DAYS="${BACKUP_KEEP_DAYS:-14}"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
umask 077
mkdir -p "$BACKUP_DIR"

case "$DATABASE_URL" in
  postgres://*|postgresql://*) ;;
  *) echo "backup.sh: only PostgreSQL databases are supported (DATABASE_URL)" >&2; exit 2 ;;
esac

dump="$BACKUP_DIR/espace-famille-$stamp.dump"
pg_dump --format=custom --no-owner --no-privileges --file="$dump.part" --dbname="$DATABASE_URL"
mv "$dump.part" "$dump"
echo "$dump"

if [ "${MEDIA_STORAGE:-local}" = "local" ] && [ -d "${MEDIA_ROOT:-}" ]; then
  media="$BACKUP_DIR/espace-famille-media-$stamp.tar.gz"
  tar --create --gzip --file="$media.part" --directory="$MEDIA_ROOT" .
  mv "$media.part" "$media"
  echo "$media"
fi

find "$BACKUP_DIR" -maxdepth 1 -name 'espace-famille-*' -mtime +"$BACKUP_KEEP_DAYS" -delete
