#!/usr/bin/env bash
# Start (or stop) a throwaway PostgreSQL 15 cluster on 127.0.0.1 for tests.
# Usage: scripts/pg_cluster.sh start DIR PORT   → prints the URL of database "postgres"
#        scripts/pg_cluster.sh stop DIR
# PG_SETTINGS adds server settings ("-c shared_buffers=2GB ..."; make bench-pg sets a
# server's memory, the tests keep the defaults).
set -euo pipefail
action=$1; dir=$2; port=${3:-55432}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
as_pg() { if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case "$action" in
  start)
    mkdir -p "$dir"
    [ "$(id -u)" = "0" ] && chown postgres "$dir"
    if [ ! -f "$dir/PG_VERSION" ]; then
      as_pg "$bin/initdb" -D "$dir" -U patolab --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    # Every role is trusted except patolab_password, which must give its password: the
    # tests of the password read from the credential store connect as it.
    if ! grep -q "patolab_password" "$dir/pg_hba.conf"; then
      hba=$(cat "$dir/pg_hba.conf")
      printf 'host all patolab_password 127.0.0.1/32 scram-sha-256\n%s\n' "$hba" > "$dir/pg_hba.conf"
    fi
    as_pg "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w \
      -o "-h 127.0.0.1 -p $port -k /tmp -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 ${PG_SETTINGS:-}" start >/dev/null
    echo "postgresql://patolab@127.0.0.1:$port/postgres"
    ;;
  stop)
    as_pg "$bin/pg_ctl" -D "$dir" -m fast stop >/dev/null || true
    ;;
esac
