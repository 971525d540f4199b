#!/usr/bin/env bash
# Builds the .deb with cpack, lints it with lintian (an error fails the test,
# warnings are printed), installs it with dpkg, checks what an operator gets,
# removes it (conffiles stay), reinstalls it (local edits stay), purges it and
# checks that nothing is left.
#
# Changes the machine it runs on, so it needs root and exits 125 (skipped)
# otherwise.  It also skips when meter-sync is already installed (it would
# purge an operator's configuration) unless METER_SYNC_DEB_TEST_FORCE=1.
#
# usage: deb-install.sh CPACK BUILD_DIR DEB_VERSION
set -euo pipefail
cpack=${1:?usage: deb-install.sh CPACK BUILD_DIR DEB_VERSION}
build_dir=${2:?usage: deb-install.sh CPACK BUILD_DIR DEB_VERSION}
deb_version=${3:?usage: deb-install.sh CPACK BUILD_DIR DEB_VERSION}

say() { echo "deb-install: $*"; }
die() { echo "deb-install: FAIL: $*" >&2; exit 1; }
skip() { echo "deb-install: SKIPPED: $*"; exit 125; }

[ "$(id -u)" = 0 ] || skip "needs root to install the package with dpkg"
command -v dpkg >/dev/null || skip "not a dpkg system"
for tool in dpkg-deb dpkg-shlibdeps lintian man; do
  command -v "$tool" >/dev/null || die "$tool is missing: run scripts/install-deps.sh"
done
installed_status() { dpkg-query -W -f='${db:Status-Abbrev}' meter-sync 2>/dev/null || true; }
if [ -n "$(installed_status | tr -d ' ')" ] && [ "$(installed_status)" != "un " ] \
   && [ "${METER_SYNC_DEB_TEST_FORCE:-0}" != 1 ]; then
  skip "meter-sync is already on this machine ($(installed_status)); this test would purge" \
       "it with its configuration. Purge it first, or set METER_SYNC_DEB_TEST_FORCE=1."
fi

export DEBIAN_FRONTEND=noninteractive
work=$(mktemp -d /tmp/meter-sync-deb.XXXXXX)
chmod 0755 "$work"
ours=0
cleanup() {
  if [ $ours = 1 ]; then dpkg --purge meter-sync >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# --- build ---------------------------------------------------------------------------
say "cpack -G DEB in $build_dir"
if ! "$cpack" -G DEB --config "$build_dir/CPackConfig.cmake" -B "$work" >"$work/cpack.log" 2>&1; then
  cat "$work/cpack.log" >&2
  die "cpack failed"
fi
shopt -s nullglob
debs=("$work"/meter-sync_*.deb)
[ ${#debs[@]} = 1 ] || die "expected one meter-sync_*.deb in $work, found: ${debs[*]:-none}"
deb=${debs[0]}
say "built $(basename "$deb")"
dpkg-deb --info "$deb"

field() { dpkg-deb --field "$deb" "$1"; }
[ "$(field Package)" = meter-sync ] || die "Package is '$(field Package)'"
[ "$(field Version)" = "$deb_version" ] || die "Version is '$(field Version)', expected $deb_version"
depends=$(field Depends)
for dep in adduser libpq5 libpqxx libc6; do
  grep -q "\b$dep" <<<"$depends" || die "Depends lacks $dep (shlibdeps?): $depends"
done
dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles >"$work/conffiles"
[ "$(cat "$work/conffiles")" = $'/etc/cron.d/meter-sync\n/etc/meter-sync/meter-sync.env' ] \
  || die "conffiles: $(cat "$work/conffiles")"

# Contents: exactly these files, owned by root, with these modes.
expected=$(cat <<'LIST'
-rw-r--r-- root/root ./etc/cron.d/meter-sync
-rw-r----- root/root ./etc/meter-sync/meter-sync.env
-rw-r--r-- root/root ./lib/systemd/system/meter-sync.service
-rw-r--r-- root/root ./lib/systemd/system/meter-sync.timer
-rwxr-xr-x root/root ./usr/bin/meter-sync
-rw-r--r-- root/root ./usr/share/bash-completion/completions/meter-sync
-rw-r--r-- root/root ./usr/share/doc/meter-sync/changelog.Debian.gz
-rw-r--r-- root/root ./usr/share/doc/meter-sync/copyright
-rw-r--r-- root/root ./usr/share/lintian/overrides/meter-sync
-rw-r--r-- root/root ./usr/share/man/man1/meter-sync.1.gz
-rw-r--r-- root/root ./usr/share/meter-sync/failure.schema.json
-rw-r--r-- root/root ./usr/share/meter-sync/meter-sync.rules.yml
-rw-r--r-- root/root ./usr/share/meter-sync/run.schema.json
-rw-r--r-- root/root ./usr/share/meter-sync/status.schema.json
LIST
)
actual=$(dpkg-deb --contents "$deb" | awk '$1 !~ /^d/ { print $1, $2, $6 }' | sort -k3)
if [ "$actual" != "$expected" ]; then
  diff <(echo "$expected") <(echo "$actual") >&2 || true
  die "package contents differ from the expected list (< expected, > actual)"
fi
dirs=$(dpkg-deb --contents "$deb" | awk '$1 ~ /^d/ && ($1 != "drwxr-xr-x" || $2 != "root/root")')
[ -z "$dirs" ] || die "directories not root/root 0755: $dirs"
say "contents, owners and modes as expected"

# --- lintian -------------------------------------------------------------------------
say "lintian $(basename "$deb")"
lintian --tag-display-limit 0 --display-info --show-overrides "$deb" >"$work/lintian.log" 2>&1 || true
cat "$work/lintian.log"
if grep -qE '^E: ' "$work/lintian.log"; then die "lintian reports errors"; fi
if grep -qiE 'internal error|^lintian: .*(fail|error)' "$work/lintian.log"; then die "lintian did not run cleanly"; fi
say "lintian: no errors ($(grep -cE '^W: ' "$work/lintian.log" || true) warnings)"

# --- install -------------------------------------------------------------------------
install_deb() { dpkg -i --force-confold "$deb" </dev/null || die "dpkg -i failed"; }
ours=1
install_deb
say "installed; installing again (the postinst must be idempotent)"
install_deb

version=$(/usr/bin/meter-sync --version) || die "meter-sync --version failed"
say "meter-sync --version: $version"
grep -qF "${deb_version%-*}" <<<"$version" || die "--version does not show ${deb_version%-*}"
page=$(man -w meter-sync) || die "man -w meter-sync finds no page"
[ "$page" = /usr/share/man/man1/meter-sync.1.gz ] || die "man -w meter-sync gives $page"
warnings=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings meter-sync 2>&1 >/dev/null) \
  || die "man meter-sync failed: $warnings"
[ -z "$warnings" ] || die "man meter-sync warns: $warnings"
say "man -w meter-sync: $page (renders without warnings)"

getent passwd meter-sync >/dev/null || die "no user meter-sync"
IFS=: read -r _ _ uid gid _ home shell < <(getent passwd meter-sync)
[ "$uid" -lt 1000 ] || die "meter-sync has uid $uid, not a system user"
[ "$(getent group meter-sync | cut -d: -f3)" = "$gid" ] || die "primary group of meter-sync is not meter-sync"
[ "$shell" = /usr/sbin/nologin ] || die "meter-sync has shell $shell"
say "user meter-sync: uid $uid, home $home, shell $shell"

check_file() { # PATH OWNER:GROUP MODE
  [ -f "$1" ] || die "$1 missing"
  local got
  got=$(stat -c '%U:%G %a' "$1")
  [ "$got" = "$2 $3" ] || die "$1 is $got, expected $2 $3"
  say "$1: $got"
}
check_file /etc/cron.d/meter-sync root:root 644
check_file /etc/meter-sync/meter-sync.env root:meter-sync 640
check_file /lib/systemd/system/meter-sync.service root:root 644
check_file /lib/systemd/system/meter-sync.timer root:root 644
check_file /usr/share/doc/meter-sync/copyright root:root 644
check_file /usr/share/meter-sync/meter-sync.rules.yml root:root 644
if command -v promtool >/dev/null; then
  promtool check rules /usr/share/meter-sync/meter-sync.rules.yml >/dev/null || die "promtool check rules on the installed rules"
fi
runuser -u meter-sync -- test -r /etc/meter-sync/meter-sync.env || die "meter-sync cannot read its env file"

if compgen -G '/etc/systemd/system/*.wants/meter-sync.*' >/dev/null; then
  die "the package enabled a systemd unit: $(ls /etc/systemd/system/*.wants/meter-sync.*)"
fi
if command -v systemd-analyze >/dev/null; then
  out=$(systemd-analyze verify --man=no /lib/systemd/system/meter-sync.timer \
          /lib/systemd/system/meter-sync.service 2>&1) || die "systemd-analyze verify: $out"
  [ -z "$out" ] || die "systemd-analyze verify: $out"
  say "systemd units verify clean, not enabled"
fi

# The packaged env file (read by default) is accepted: an unreachable local
# database is exit 69, where a broken env file would be 78.
rc=0
out=$(runuser -u meter-sync -- /usr/bin/meter-sync --local-db 'host=127.0.0.1 port=1 connect_timeout=5' \
        status 2>&1) || rc=$?
[ $rc = 69 ] || die "meter-sync status with the packaged env file and no database exited $rc, expected 69: $out"
say "status as meter-sync with the packaged env file and no database: exit 69 ($out)"

# --- the cron job, as cron runs it, against a throwaway cluster -----------------------
# An operator puts the connection strings in the env file; the job line of
# /etc/cron.d/meter-sync, run as meter-sync in cron's bare environment, must
# then sync and print nothing at all (cron would mail any output).
if [ -n "${METER_SYNC_TEST_PG:-}" ] && command -v psql >/dev/null; then
  db_suffix=$$
  sql() { psql "$METER_SYNC_TEST_PG dbname=$1" -X -q -A -t -v ON_ERROR_STOP=1 -c "$2"; }
  drop_dbs() {
    sql postgres "DROP DATABASE IF EXISTS pkg_local_$db_suffix WITH (FORCE)" >/dev/null 2>&1 || true
    sql postgres "DROP DATABASE IF EXISTS pkg_remote_$db_suffix WITH (FORCE)" >/dev/null 2>&1 || true
  }
  trap 'drop_dbs; cleanup' EXIT
  drop_dbs
  sql postgres "CREATE DATABASE pkg_local_$db_suffix TEMPLATE template0" >/dev/null
  sql postgres "CREATE DATABASE pkg_remote_$db_suffix TEMPLATE template0" >/dev/null
  columns="id integer PRIMARY KEY, name text NOT NULL, type text NOT NULL, serial_number text,
    installation_date date, device_id integer, location_id integer, ip text, port integer,
    protocol text, status text NOT NULL, register_map jsonb, notes text, active boolean,
    created_at timestamptz, updated_at timestamptz"
  sql "pkg_remote_$db_suffix" "CREATE TABLE meter (tenant_id integer NOT NULL, $columns);
    INSERT INTO meter (tenant_id, id, name, type, status, port, register_map, active, created_at, updated_at)
    SELECT CASE WHEN g <= 3 THEN 7 ELSE 8 END, g, 'meter ' || g, 'modbus', 'ok', 502,
           '{\"r\": 1}', true, now(), now() FROM generate_series(1, 4) g" >/dev/null
  sql "pkg_local_$db_suffix" "CREATE TABLE meter ($columns);
    CREATE TABLE tenant (tenant_id integer, name text); INSERT INTO tenant VALUES (7, 'site')" >/dev/null
  # The metrics file as the env file's example sets it, in a directory meter-sync may write.
  textfile_dir=$(mktemp -d /var/tmp/meter-sync-textfile.XXXXXX)
  chown meter-sync "$textfile_dir"
  {
    echo "METER_SYNC_LOCAL_DB=\"$METER_SYNC_TEST_PG dbname=pkg_local_$db_suffix\""
    echo "METER_SYNC_REMOTE_DB=\"$METER_SYNC_TEST_PG dbname=pkg_remote_$db_suffix\""
    echo "METER_SYNC_METRICS_FILE=$textfile_dir/meter-sync.prom"
  } >>/etc/meter-sync/meter-sync.env
  job=$(grep -E '^[0-9*]' /etc/cron.d/meter-sync | head -1)
  read -r _ _ _ _ _ job_user job_command <<<"$job"
  runuser=$(command -v runuser)
  for attempt in first second; do
    rc=0
    out=$(env -i HOME=/nonexistent LOGNAME="$job_user" SHELL=/bin/sh \
            PATH=/usr/sbin:/usr/bin:/sbin:/bin MAILTO=root \
            "$runuser" -u "$job_user" -- /bin/sh -c "$job_command" 2>&1) || rc=$?
    [ $rc = 0 ] || die "$attempt cron-mode run exited $rc: $out"
    [ -z "$out" ] || die "$attempt cron-mode run printed ${#out} bytes (cron would mail them): $out"
  done
  synced=$(sql "pkg_local_$db_suffix" "SELECT count(*) FROM meter WHERE active")
  [ "$synced" = 3 ] || die "after the cron-mode runs the local database has $synced active meters, expected 3"
  logged=$(sql "pkg_local_$db_suffix" \
    "SELECT count(*) FILTER (WHERE success AND trigger = 'scheduled') || '/' || count(*) FROM meter_sync_log")
  [ "$logged" = 2/2 ] || die "meter_sync_log has $logged successful scheduled rows, expected 2/2"
  say "cron job as meter-sync with the env file: synced 3 meters, 2 log rows, 0 bytes of output"
  [ "$(ls -A "$textfile_dir")" = meter-sync.prom ] || die "textfile directory holds: $(ls -A "$textfile_dir")"
  grep -qx 'meter_sync_last_run_success 1' "$textfile_dir/meter-sync.prom" \
    || die "metrics file after the cron-mode runs: $(cat "$textfile_dir/meter-sync.prom")"
  if command -v promtool >/dev/null; then
    promtool check metrics <"$textfile_dir/meter-sync.prom" || die "promtool check metrics on the cron-mode run's file"
  fi
  say "the cron-mode run wrote the metrics file of the env file"
  rm -rf "$textfile_dir"
  drop_dbs
  sed -i '/^METER_SYNC_\(LOCAL\|REMOTE\)_DB=/d; /^METER_SYNC_METRICS_FILE=/d' /etc/meter-sync/meter-sync.env
else
  say "cron-mode run not checked: METER_SYNC_TEST_PG (a test cluster, see scripts/pg-cluster.sh) is not set"
fi

# --- remove keeps conffiles, reinstall keeps local edits ---------------------------
echo '# edited by deb-install.sh' >>/etc/meter-sync/meter-sync.env
dpkg -r meter-sync </dev/null || die "dpkg -r failed"
[ ! -e /usr/bin/meter-sync ] || die "/usr/bin/meter-sync still there after dpkg -r"
grep -q 'edited by deb-install.sh' /etc/meter-sync/meter-sync.env || die "dpkg -r lost the edited env file"
[ -f /etc/cron.d/meter-sync ] || die "dpkg -r removed the conffile /etc/cron.d/meter-sync"
say "dpkg -r: binary gone, conffiles kept"
install_deb
grep -q 'edited by deb-install.sh' /etc/meter-sync/meter-sync.env || die "reinstall lost the edited env file"
check_file /etc/meter-sync/meter-sync.env root:meter-sync 640

# --- purge -----------------------------------------------------------------------------
dpkg --purge meter-sync </dev/null || die "dpkg --purge failed"
ours=0
case "$(installed_status)" in
  ""|"un "|"pn ") ;;
  *) die "after purge dpkg says: $(installed_status)" ;;
esac
for path in /usr/bin/meter-sync /etc/cron.d/meter-sync /etc/meter-sync \
            /usr/share/man/man1/meter-sync.1.gz /usr/share/doc/meter-sync /usr/share/meter-sync \
            /usr/share/bash-completion/completions/meter-sync \
            /lib/systemd/system/meter-sync.service /lib/systemd/system/meter-sync.timer; do
  [ ! -e "$path" ] || die "$path is still there after purge"
done
! getent passwd meter-sync >/dev/null || die "user meter-sync is still there after purge"
! getent group meter-sync >/dev/null || die "group meter-sync is still there after purge"
say "purged: package, files, conffiles and user are gone"
