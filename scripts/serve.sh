#!/bin/sh
# The production web server for Fanfold: granian's WSGI interface, one Python thread per
# worker process. Used by `make run` (scripts/run.sh) and by bench/read.py. A worker that
# has not stopped 5 s after Ctrl-C or SIGTERM (one caught starting up) is killed.
cd "$(dirname "$0")/.."
set -- --interface wsgi --host "${HOST:-127.0.0.1}" --port "${PORT:-8000}" \
  --workers "${WEB_CONCURRENCY:-2}" --blocking-threads 1 --log-level warning \
  --workers-kill-timeout 5
if [ -n "${ACCESS_LOG:-}" ]; then
  set -- "$@" --access-log
fi
exec .venv/bin/granian "$@" fanfold.wsgi:application
