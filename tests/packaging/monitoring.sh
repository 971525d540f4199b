#!/usr/bin/env bash
# The monitoring files of the package: the Prometheus alert rules load and behave
# (promtool check rules, promtool test rules), a metrics file written by a real run passes
# promtool check metrics, and the systemd unit lets the run write the textfile directory
# under ProtectSystem=strict (checked under systemd-run's sandbox where systemd runs).
# usage: monitoring.sh SOURCE_DIR METER_SYNC_BINARY
set -euo pipefail
src=${1:?usage: monitoring.sh SOURCE_DIR METER_SYNC_BINARY}
bin=${2:?usage: monitoring.sh SOURCE_DIR METER_SYNC_BINARY}
rules=$src/packaging/meter-sync.rules.yml
service=$src/packaging/meter-sync.service
env_file=$src/packaging/meter-sync.env
textfile_dir=/var/lib/prometheus/node-exporter
status=0
fail() { echo "monitoring: $*" >&2; status=1; }
ok() { echo "monitoring: $*"; }
command -v promtool >/dev/null || { echo "monitoring: promtool not found: run scripts/install-deps.sh" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# --- alert rules -----------------------------------------------------------------
promtool check rules "$rules" >"$work/check.log" 2>&1 || { cat "$work/check.log" >&2; fail "promtool check rules $rules"; }
for alert in MeterSyncStale MeterSyncFailing MeterSyncSkippedMeters; do
  grep -qE "^ *- alert: $alert\$" "$rules" || fail "$rules: no alert $alert"
done
cp "$rules" "$src/tests/packaging/rules-test.yml" "$work/"
(cd "$work" && promtool test rules rules-test.yml) >"$work/test.log" 2>&1 \
  || { cat "$work/test.log" >&2; fail "promtool test rules: the alerts do not fire as tests/packaging/rules-test.yml expects"; }
ok "alert rules load and pass their unit tests"

# --- a metrics file from a real run --------------------------------------------------
# The local database is unreachable (exit 69): the run still writes the file.
mkdir "$work/textfile"
rc=0
"$bin" --local-db 'host=127.0.0.1 port=1 dbname=none connect_timeout=3' \
       --remote-db 'host=127.0.0.1 port=1 dbname=none connect_timeout=3' \
       --metrics-file "$work/textfile/meter-sync.prom" run >"$work/run.log" 2>&1 || rc=$?
[ $rc = 69 ] || fail "run against an unreachable database exited $rc, expected 69: $(cat "$work/run.log")"
if [ -f "$work/textfile/meter-sync.prom" ]; then
  promtool check metrics <"$work/textfile/meter-sync.prom" >"$work/metrics.log" 2>&1 \
    || { cat "$work/metrics.log" >&2; fail "promtool check metrics on the file meter-sync wrote"; }
  grep -qx 'meter_sync_last_run_exit_code 69' "$work/textfile/meter-sync.prom" \
    || fail "the metrics file does not say exit code 69: $(cat "$work/textfile/meter-sync.prom")"
  [ "$(stat -c %a "$work/textfile/meter-sync.prom")" = 644 ] || fail "the metrics file is not mode 0644"
  [ "$(ls -A "$work/textfile")" = meter-sync.prom ] || fail "left behind: $(ls -A "$work/textfile")"
  ok "a real run's metrics file passes promtool check metrics"
else
  fail "no metrics file after a run with --metrics-file: $(cat "$work/run.log")"
fi

# --- the unit, the env file --------------------------------------------------------------
grep -qx 'ProtectSystem=strict' "$service" || fail "$service: expected ProtectSystem=strict"
grep -qx "ReadWritePaths=-$textfile_dir" "$service" \
  || fail "$service: no 'ReadWritePaths=-$textfile_dir' (ProtectSystem=strict makes the textfile directory read-only)"
grep -qE "^# METER_SYNC_METRICS_FILE=$textfile_dir/[a-z-]+\.prom\$" "$env_file" \
  || fail "$env_file: METER_SYNC_METRICS_FILE is not shown with a file in $textfile_dir"
ok "unit and env file agree on $textfile_dir"

# --- under the unit's sandbox ---------------------------------------------------------------
if [ "$(id -u)" = 0 ] && [ -d /run/systemd/system ] && command -v systemd-run >/dev/null; then
  dir=$(mktemp -d /var/lib/meter-sync-monitoring-test.XXXXXX)
  trap 'rm -rf "$work" "$dir"' EXIT
  sandboxed() {
    systemd-run --quiet --wait --pipe --collect -p ProtectSystem=strict -p PrivateTmp=yes "$@" \
      "$(readlink -f "$bin")" --local-db 'host=127.0.0.1 port=1 dbname=none connect_timeout=3' \
      --remote-db 'host=127.0.0.1 port=1 dbname=none connect_timeout=3' --metrics-file "$dir/m.prom" run 2>&1 || true
  }
  out=$(sandboxed -p "ReadWritePaths=-$dir")
  [ -f "$dir/m.prom" ] || fail "under ProtectSystem=strict with ReadWritePaths the file was not written: $out"
  rm -f "$dir/m.prom"
  out=$(sandboxed)
  [ ! -e "$dir/m.prom" ] || fail "under ProtectSystem=strict without ReadWritePaths the file was written: the check proves nothing"
  grep -q 'not written' <<<"$out" || fail "no warning when the sandbox forbids the write: $out"
  ok "systemd-run sandbox: written with ReadWritePaths, a warning without"
else
  ok "sandbox check skipped: needs root and a running systemd (/run/systemd/system)"
fi
exit $status
