#!/bin/sh
# Set up the data folder and serve Fanfold with one background worker (used by `make run`).
set -e
cd "$(dirname "$0")/.."
PY=.venv/bin/python
$PY manage.py migrate --noinput -v0
$PY manage.py collectstatic --noinput -v0
$PY manage.py load_demo --if-empty
$PY manage.py load_fandom_tags
# The worker runs under a supervisor that restarts it when it dies (with back-off) and
# queues again the jobs it left running; SIGTERM/SIGINT stop both.
$PY manage.py run_worker --interval 1 &
WORKER=$!
trap 'kill $WORKER 2>/dev/null; wait $WORKER 2>/dev/null || true' EXIT INT TERM
echo "Fanfold is at http://${HOST:-127.0.0.1}:${PORT:-8000}/ (demo logins are in README.md; Ctrl-C stops it)"
scripts/serve.sh
