#!/usr/bin/env bash
# Idempotently prepares the machine for the full test suite:
# pgvector built from Debian's source package, PostgreSQL 15 and Redis running,
# test databases created. Safe to run repeatedly (CI and developers).
set -euo pipefail

PG_VERSION=15
PG_CONFIG=/usr/lib/postgresql/${PG_VERSION}/bin/pg_config
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"

log() { printf '[setup] %s\n' "$*"; }

apt_updated=0
apt_update_once() { [ $apt_updated -eq 1 ] || { $SUDO apt-get update -qq; apt_updated=1; }; }

install_pgvector() {
  if [ -f "$($PG_CONFIG --sharedir)/extension/vector.control" ]; then
    log "pgvector already installed"; return
  fi
  log "building pgvector from Debian source"
  local src=/etc/apt/sources.list.d/parley-deb-src.sources
  if [ ! -f "$src" ]; then
    local uris
    uris=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)
    $SUDO tee "$src" >/dev/null <<SRC
Types: deb-src
URIs: ${uris}
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
    apt_updated=0
  fi
  apt_update_once
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq dpkg-dev "postgresql-server-dev-${PG_VERSION}" >/dev/null
  local work; work=$(mktemp -d)
  ( cd "$work" && apt-get source --download-only pgvector >/dev/null 2>&1 \
    && tar xf pgvector_*.orig.tar.* && cd pgvector-*/ \
    && make -s PG_CONFIG=$PG_CONFIG OPTFLAGS="" >/dev/null && $SUDO make -s install PG_CONFIG=$PG_CONFIG >/dev/null )
  rm -rf "$work"
  log "pgvector installed"
}

start_postgres() {
  if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    log "starting PostgreSQL"
    $SUDO pg_ctlcluster --skip-systemctl-redirect ${PG_VERSION} main start
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
}

start_redis() {
  if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    log "starting Redis"
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
    for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 0.5; done
  fi
}

create_databases() {
  for db in parley_test parley_dev; do
    if ! psql -h 127.0.0.1 -U postgres -tAc "select 1 from pg_database where datname='${db}'" | grep -q 1; then
      psql -h 127.0.0.1 -U postgres -qc "create database ${db}"
    fi
    psql -h 127.0.0.1 -U postgres -d "$db" -qc "create extension if not exists vector"
  done
  log "databases parley_test, parley_dev ready (pgvector enabled)"
}

install_chromium() {
  if [ ! -x /usr/bin/chromium ]; then
    log "installing Debian chromium for browser tests"
    apt_update_once
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
  fi
}

install_pgvector
start_postgres
start_redis
create_databases
[ "${1:-}" = "--with-browser" ] && install_chromium
log "done"
