#!/usr/bin/env bash
# A throwaway PostgreSQL for the coordinator's tests: a cluster of its own in a temporary
# folder, started as the `postgres` user on a free loopback port, with a `vigil` user and
# database. Prints `URL DATA_DIR` on one line; stop it with postgres-down.sh DATA_DIR (which
# also serves as "the server crashed": an immediate stop).
# Needs Debian's postgresql (.ci/run installs it) and root (to act as `postgres`).
#
#   postgres-up.sh [OWNER_PID]
#
# With OWNER_PID, a watchdog stops the cluster and removes its folder once that process has
# ended, however it ended (a test process cannot stop it from atexit: starting a program there
# deadlocked the exiting process).
set -euo pipefail
owner=${1:-}
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
dir=$(mktemp -d /tmp/vigil-pg.XXXXXX)
chmod o+rx "$dir"
mkdir "$dir/pg"
chown postgres "$dir/pg"
as_postgres() { su postgres -s /bin/sh -c "$1"; }
as_postgres "$bin/initdb -D $dir/pg/data -A trust -U postgres" >/dev/null
# Its settings in its own postgresql.conf, so a restart (postgres-down.sh DATA start) comes
# back on the same port. fsync off: a test cluster, thrown away (a crash test stops it with
# -m immediate, which loses nothing committed while the machine stays up).
cat >> "$dir/pg/data/postgresql.conf" <<CONF
port = $port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir/pg'
fsync = off
max_connections = 200
CONF
as_postgres "$bin/pg_ctl -D $dir/pg/data -l $dir/pg/log -w start" >/dev/null
as_postgres "psql -h 127.0.0.1 -p $port -U postgres -qc \"create user vigil password 'vigil-secret-pw'\""
as_postgres "psql -h 127.0.0.1 -p $port -U postgres -qc \"create database vigil owner vigil\""
if [ -n "$owner" ]; then
  setsid nohup bash -c "while kill -0 $owner 2>/dev/null; do sleep 1; done
    su postgres -s /bin/sh -c '$bin/pg_ctl -D $dir/pg/data -m immediate stop' >/dev/null 2>&1
    rm -rf '$dir'" >/dev/null 2>&1 < /dev/null &
fi
echo "postgres://vigil:vigil-secret-pw@127.0.0.1:$port/vigil $dir/pg/data"
