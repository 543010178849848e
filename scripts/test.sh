#!/usr/bin/env bash
# Runs tether's whole test suite, after doing the set-up a fresh Debian machine needs:
#   1. a Rust toolchain (found in ~/.cargo/bin when it is not on PATH);
#   2. PostgreSQL and MariaDB server binaries for the integration tests against real origins
#      (installed with apt-get when missing and running as root; set TETHER_SKIP_SERVER_INSTALL=1
#      to skip this step).
# Then: cargo test --workspace --all-targets, and the doc tests.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() {
    echo "scripts/test.sh: $*" >&2
}

is_root() {
    [ "$(id -u)" -eq 0 ]
}

# Installs Debian packages (as root only); prints what to install otherwise.
apt_install() {
    if ! is_root; then
        log "missing: $*; install them with: sudo apt-get install -y $*"
        return 1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

# Makes `cargo` available (rustup puts it in ~/.cargo/bin, which may not be on PATH).
ensure_rust_toolchain() {
    if ! command -v cargo >/dev/null 2>&1 && [ -x "$HOME/.cargo/bin/cargo" ]; then
        export PATH="$HOME/.cargo/bin:$PATH"
    fi
    if ! command -v cargo >/dev/null 2>&1; then
        log "cargo not found: install a Rust toolchain (rustup, Rust 1.85 or newer) first"
        return 1
    fi
}

# True when PostgreSQL's server binaries are installed (Debian keeps them off PATH).
have_postgres_server() {
    local bindir
    for bindir in /usr/lib/postgresql/*/bin; do
        if [ -x "$bindir/initdb" ]; then
            return 0
        fi
    done
    command -v initdb >/dev/null 2>&1
}

# True when the MariaDB server binary is installed.
have_mariadb_server() {
    [ -x /usr/sbin/mariadbd ] || command -v mariadbd >/dev/null 2>&1
}

# Installs the PostgreSQL and MariaDB server packages the origin integration tests start
# throwaway servers from, when they are missing and we are root.
ensure_database_servers() {
    if [ "${TETHER_SKIP_SERVER_INSTALL:-0}" = "1" ]; then
        return 0
    fi
    local packages=()
    have_postgres_server || packages+=(postgresql)
    have_mariadb_server || packages+=(mariadb-server)
    if [ "${#packages[@]}" -eq 0 ]; then
        return 0
    fi
    if is_root; then
        log "installing ${packages[*]}"
        apt_install "${packages[@]}"
    else
        log "not root, so not installing ${packages[*]}; tests that need them will say so"
    fi
}

run_tests() {
    cargo test --workspace --all-targets
    cargo test --doc --workspace
}

ensure_rust_toolchain
ensure_database_servers
run_tests
