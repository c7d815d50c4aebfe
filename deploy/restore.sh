#!/usr/bin/env bash
# Restore an Espace Famille backup written by deploy/backup.sh:
#   deploy/restore.sh espace-famille-<stamp>.dump [espace-famille-media-<stamp>.tar.gz]
# into the (existing, preferably empty) database of DATABASE_URL and the directory MEDIA_ROOT.
# Stop the app servers and the workers first (docs/deploy.md).
set -euo pipefail

: "${DATABASE_URL:?DATABASE_URL is required}"
dump="${1:?usage: restore.sh DUMP [MEDIA_ARCHIVE]}"
media="${2:-}"

pg_restore --clean --if-exists --no-owner --no-privileges --exit-on-error \
  --dbname="$DATABASE_URL" "$dump"
echo "database restored from $dump"

if [ -n "$media" ]; then
  : "${MEDIA_ROOT:?MEDIA_ROOT is required to restore the media files}"
  mkdir -p "$MEDIA_ROOT"
  tar --extract --gzip --file="$media" --directory="$MEDIA_ROOT"
  echo "media files restored from $media into $MEDIA_ROOT"
fi
