#!/usr/bin/env bash
# A local trial of Fanfold on several servers (docs/scaling.md): one PostgreSQL database and
# one Redis shared by APP_SERVERS granian app servers (ports PORT+1, PORT+2, ...) and WORKERS
# background workers (`manage.py run_worker`), behind a reverse proxy on PORT: Caddy or nginx
# when installed, else scripts/proxy.py. Ctrl-C stops everything.
#
#   createdb -h 127.0.0.1 -U postgres fanfold_trial
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/fanfold_trial \
#   REDIS_URL=redis://127.0.0.1:6379/5 scripts/cluster.sh
#
# More: APP_SERVERS (2), WORKERS (1), WEB_CONCURRENCY (granian workers per app server, 1),
# PORT (8000), HOST (127.0.0.1, where the proxy listens), PROXY (auto|caddy|nginx|python),
# CLUSTER_DIR (data/cluster), DEMO (1: load the demo content into an empty archive),
# ACCESS_LOG (1: the proxy logs every request).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=$ROOT/.venv/bin/python

APP_SERVERS=${APP_SERVERS:-2}
WORKERS=${WORKERS:-1}
PORT=${PORT:-8000}
HOST=${HOST:-127.0.0.1}
PROXY=${PROXY:-auto}
DIR=${CLUSTER_DIR:-$ROOT/data/cluster}
DIR=$(mkdir -p "$DIR" && cd "$DIR" && pwd)
LOGS=$DIR/logs

die() { echo "cluster.sh: $*" >&2; exit 2; }

case "${DATABASE_URL:-}" in
  postgres://* | postgresql://* | pgsql://*) ;;
  "") die "set DATABASE_URL to a PostgreSQL database, e.g. postgres://postgres@127.0.0.1:5432/fanfold_trial (create it first with createdb)" ;;
  *) die "DATABASE_URL must name a PostgreSQL database (several servers can't share SQLite)" ;;
esac
case "${REDIS_URL:-}" in
  redis://* | rediss://* | unix://*) ;;
  *) die "set REDIS_URL to a Redis database the archive may use alone, e.g. redis://127.0.0.1:6379/5" ;;
esac
[[ $APP_SERVERS =~ ^[1-9][0-9]*$ && $WORKERS =~ ^[0-9]+$ ]] || die "APP_SERVERS >= 1, WORKERS >= 0"
[ -x "$PY" ] || die "no $PY: run 'make run' once (or create .venv and pip install -e .)"

if [ "$PROXY" = auto ]; then
  if command -v caddy >/dev/null; then PROXY=caddy
  elif command -v nginx >/dev/null; then PROXY=nginx
  else PROXY=python
  fi
fi
case "$PROXY" in caddy | nginx) command -v "$PROXY" >/dev/null || die "$PROXY is not installed" ;;
  python) ;; *) die "PROXY must be auto, caddy, nginx or python" ;;
esac

# What every process shares: the database, Redis, the secret key and the public address.
mkdir -p "$LOGS"
if [ -z "${SECRET_KEY:-}" ]; then
  if [ ! -s "$DIR/secret_key" ]; then
    (umask 077 && "$PY" -c 'import secrets; print(secrets.token_urlsafe(50))' >"$DIR/secret_key")
  fi
  SECRET_KEY=$(cat "$DIR/secret_key")
fi
BARE_HOST=${HOST#[}
BARE_HOST=${BARE_HOST%]}
case "$BARE_HOST" in 0.0.0.0 | ::) PUBLIC_HOST=localhost ;; *:*) PUBLIC_HOST="[$BARE_HOST]" ;; *) PUBLIC_HOST=$HOST ;; esac
FANFOLD_SITE_URL=${FANFOLD_SITE_URL:-http://$PUBLIC_HOST:$PORT}
export DATABASE_URL REDIS_URL SECRET_KEY FANFOLD_SITE_URL
unset FANFOLD_DATA_DIR

# Once, for the whole cluster: migrations, static files (served by the proxy, and by each
# app server from its own data folder), the demo content.
echo "Migrating $(echo "$DATABASE_URL" | sed -E 's#//[^@/]*@#//#')..."
if ! FANFOLD_DATA_DIR=$DIR "$PY" manage.py migrate --noinput -v0; then
  die "could not migrate the database: does it exist? (createdb -h HOST -U USER NAME)"
fi
FANFOLD_DATA_DIR=$DIR "$PY" manage.py collectstatic --noinput -v0
if [ "${DEMO:-1}" = 1 ]; then
  FANFOLD_DATA_DIR=$DIR "$PY" manage.py load_demo --if-empty
  FANFOLD_DATA_DIR=$DIR "$PY" manage.py load_fandom_tags
fi

# Each process gets its own data folder (as on separate machines): nothing in it is shared.
folder() {
  mkdir -p "$DIR/$1"
  ln -sfn ../static "$DIR/$1/static"
  echo "$DIR/$1"
}

PIDS=()
NAMES=()
# Each in a session of its own, so that Ctrl-C reaches only this script, which then stops
# each process with one SIGTERM (granian, for one, hangs when its workers get SIGINT too).
SETSID=$(command -v setsid || true)
start() {  # start NAME COMMAND...: in the background, its output in logs/NAME.log
  local name=$1
  shift
  echo "== $(date '+%F %T') started" >>"$LOGS/$name.log"
  $SETSID "$@" >>"$LOGS/$name.log" 2>&1 &
  PIDS+=($!)
  NAMES+=("$name")
}

stopping=0
cleanup() {
  trap - EXIT
  trap 'hurry=1' INT TERM  # a second Ctrl-C: kill what is left at once
  stopping=1
  hurry=0
  [ ${#PIDS[@]} -eq 0 ] && return
  echo "Stopping ${NAMES[*]}..."
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do kill -TERM "${PIDS[i]}" 2>/dev/null || true; done
  # A worker finishes its current job first (at most 30 s); then whatever is left is killed.
  for _ in $(seq 400); do
    [ $hurry = 1 ] && break
    alive=0
    for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ $alive = 0 ] && break
    sleep 0.1
  done
  for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "Stopped."
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Any HTTP answer will do (a 400 only says the Host isn't in ALLOWED_HOSTS).
ANSWERS='import sys, urllib.error as e, urllib.request as r
try: r.urlopen(sys.argv[1], timeout=2)
except e.HTTPError: pass'
healthy() {  # healthy URL PID: wait until the server answers, or fail if it died
  for _ in $(seq 600); do
    if "$PY" -c "$ANSWERS" "$1" 2>/dev/null; then
      return 0
    fi
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

for ((j = 1; j <= WORKERS; j++)); do
  start "worker$j" env FANFOLD_DATA_DIR="$(folder "worker$j")" \
    "$PY" manage.py run_worker --interval 1
done

UPSTREAMS=()
for ((i = 1; i <= APP_SERVERS; i++)); do
  start "app$i" env FANFOLD_DATA_DIR="$(folder "app$i")" HOST=127.0.0.1 PORT=$((PORT + i)) \
    WEB_CONCURRENCY="${WEB_CONCURRENCY:-1}" scripts/serve.sh
  UPSTREAMS+=("127.0.0.1:$((PORT + i))")
done
for ((i = 1; i <= APP_SERVERS; i++)); do
  k=$((WORKERS + i - 1))
  healthy "http://${UPSTREAMS[i - 1]}/healthz" "${PIDS[k]}" ||
    { tail -n 20 "$LOGS/app$i.log" >&2; die "app server $i did not start (logs/app$i.log)"; }
done

mkdir -p "$DIR/proxy"
# The Host that Caddy's health checks send: one the app servers accept (ALLOWED_HOSTS).
HEALTH_HOST=${ALLOWED_HOSTS:-127.0.0.1}
HEALTH_HOST=${HEALTH_HOST%%,*}
HEALTH_HOST=${HEALTH_HOST#.}
[ "$HEALTH_HOST" = "*" ] && HEALTH_HOST=localhost
case "$BARE_HOST" in *:*) LISTEN="[$BARE_HOST]:$PORT" ;; *) LISTEN="$HOST:$PORT" ;; esac
case "$PROXY" in
  caddy)
    {
      echo "{"
      echo "  admin off"
      echo "  auto_https off"
      echo "}"
      echo "http://$LISTEN {"
      [ "${ACCESS_LOG:-}" ] && echo "  log"
      echo "  handle /static/* {"
      echo "    root * $DIR"
      echo "    @hashed path_regexp \\.[0-9a-f]{12}\\.[A-Za-z0-9]+\$"
      echo "    header @hashed Cache-Control \"public, max-age=31536000, immutable\""
      echo "    file_server {"
      echo "      precompressed br gzip"
      echo "    }"
      echo "  }"
      echo "  handle {"
      echo "    reverse_proxy ${UPSTREAMS[*]} {"
      echo "      lb_policy round_robin"
      echo "      lb_try_duration 5s"
      # granian reads X_Forwarded_For as X-Forwarded-For: never pass a client's own.
      echo "      header_up -X_Forwarded_For"
      echo "      header_up -X-Forwarded_For"
      echo "      header_up -X_Forwarded-For"
      echo "      health_uri /healthz"
      echo "      health_interval 10s"
      echo "      health_headers {"
      echo "        Host $HEALTH_HOST"
      echo "      }"
      echo "      transport http {"
      echo "        dial_timeout 5s"
      echo "        response_header_timeout 120s"
      echo "      }"
      echo "    }"
      echo "  }"
      echo "}"
    } >"$DIR/proxy/Caddyfile"
    start proxy env XDG_DATA_HOME="$DIR/proxy" XDG_CONFIG_HOME="$DIR/proxy" \
      caddy run --adapter caddyfile --config "$DIR/proxy/Caddyfile"
    ;;
  nginx)
    mkdir -p "$DIR/proxy/tmp"
    {
      echo "daemon off;"
      echo "worker_processes 1;"
      [ "$(id -u)" = 0 ] && echo "user $(id -un) $(id -gn);"
      echo "pid $DIR/proxy/nginx.pid;"
      echo "error_log $LOGS/proxy.log warn;"
      echo "events { worker_connections 1024; }"
      echo "http {"
      if [ -f /etc/nginx/mime.types ]; then echo "  include /etc/nginx/mime.types;"
      else echo "  types { text/css css; text/javascript js; image/svg+xml svg; image/png png; image/x-icon ico; }"
      fi
      echo "  default_type application/octet-stream;"
      for t in client_body proxy fastcgi uwsgi scgi; do echo "  ${t}_temp_path $DIR/proxy/tmp/$t;"; done
      if [ "${ACCESS_LOG:-}" ]; then echo "  access_log $LOGS/proxy.log;"; else echo "  access_log off;"; fi
      echo "  upstream fanfold {"
      for u in "${UPSTREAMS[@]}"; do echo "    server $u;"; done
      echo "    keepalive 16;"
      echo "  }"
      echo "  server {"
      echo "    listen $LISTEN;"
      echo "    client_max_body_size 25m;"
      echo "    location /static/ {"
      echo "      alias $DIR/static/;"
      echo "      gzip_static on;"
      echo "      expires 1h;"
      echo "      location ~ \"\\.[0-9a-f]{12}\\.[A-Za-z0-9]+\$\" {"
      echo "        gzip_static on;"
      echo "        expires off;"
      echo "        add_header Cache-Control \"public, max-age=31536000, immutable\";"
      echo "      }"
      echo "    }"
      echo "    location / {"
      echo "      proxy_pass http://fanfold;"
      echo "      proxy_http_version 1.1;"
      echo "      proxy_set_header Connection \"\";"
      echo "      proxy_set_header Host \$http_host;"
      echo "      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;"
      echo "      proxy_set_header X-Forwarded-Proto \$scheme;"
      echo "      proxy_connect_timeout 5s;"
      echo "      proxy_send_timeout 120s;"
      echo "      proxy_read_timeout 120s;"
      echo "    }"
      echo "  }"
      echo "}"
    } >"$DIR/proxy/nginx.conf"
    nginx -t -q -c "$DIR/proxy/nginx.conf" -p "$DIR/proxy" || die "nginx refused $DIR/proxy/nginx.conf"
    start proxy nginx -c "$DIR/proxy/nginx.conf" -p "$DIR/proxy"
    ;;
  python)
    start proxy "$PY" scripts/proxy.py --listen "$LISTEN" ${ACCESS_LOG:+--access-log} "${UPSTREAMS[@]}"
    ;;
esac
healthy "http://$LISTEN/healthz" "${PIDS[-1]}" ||
  { tail -n 20 "$LOGS/proxy.log" >&2; die "the $PROXY proxy did not start (logs/proxy.log)"; }

echo "Fanfold is at $FANFOLD_SITE_URL/ ($PROXY in front of ${UPSTREAMS[*]}; $WORKERS worker(s))"
echo "Logs: $LOGS/. Ctrl-C stops everything."
while [ $stopping = 0 ]; do
  wait -n || true
  for k in "${!PIDS[@]}"; do
    if ! kill -0 "${PIDS[k]}" 2>/dev/null; then
      echo "cluster.sh: ${NAMES[k]} stopped (see $LOGS/${NAMES[k]}.log); stopping the rest" >&2
      tail -n 20 "$LOGS/${NAMES[k]}.log" >&2
      exit 1
    fi
  done
done
