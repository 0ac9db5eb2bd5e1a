# Source this file, then `pg_start` (exports OPENMICROCRED_TEST_POSTGRES) and `pg_stop`.
# A throwaway PostgreSQL server from the Debian packages: its own temporary directory, run
# as the unprivileged user `postgres`, listening on 127.0.0.1 only at a random free port,
# password (SCRAM) authentication with a random password.

pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)  # set -e safe
  if [ -z "$dir" ]; then
    echo "== apt-get install postgresql" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >&2
    dir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  fi
  echo "$dir"
}

pg_start() {
  local bin port password as
  bin=$(pg_bin)
  PG_DIR=$(mktemp -d /tmp/omc-pg.XXXXXX)
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  password=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
  printf '%s\n' "$password" >"$PG_DIR/pw"
  as=()
  if [ "$(id -u)" = 0 ]; then
    chown postgres "$PG_DIR" "$PG_DIR/pw"
    as=(runuser -u postgres --)
  fi
  chmod 700 "$PG_DIR"
  "${as[@]}" "$bin/initdb" -D "$PG_DIR/data" -U omc --auth=scram-sha-256 --pwfile="$PG_DIR/pw" \
    -E UTF8 --no-locale >"$PG_DIR/initdb.log"
  "${as[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w start \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $PG_DIR -c max_connections=300 -c fsync=on" \
    >/dev/null
  export OPENMICROCRED_TEST_POSTGRES="postgresql://omc:$password@127.0.0.1:$port/postgres"
  PG_CTL="$bin/pg_ctl"
  PG_AS="${as[*]}"
  echo "== PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port ($PG_DIR)"
}

pg_stop() {
  if [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR/data" ]; then
    $PG_AS "$PG_CTL" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
  fi
}
