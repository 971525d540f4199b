#!/usr/bin/env bash
# Static checks of the files that go into the .deb: the cron file, the
# example env file, the systemd units, the maintainer scripts, the changelog.
# usage: files-lint.sh SOURCE_DIR DEB_VERSION
set -euo pipefail
src=${1:?usage: files-lint.sh SOURCE_DIR DEB_VERSION}
deb_version=${2:?usage: files-lint.sh SOURCE_DIR DEB_VERSION}
cron=$src/cron/meter-sync
env_file=$src/packaging/meter-sync.env
page=$src/man/meter-sync.1
status=0
fail() { echo "files-lint: $*" >&2; status=1; }
ok() { echo "files-lint: $*"; }

# --- cron file -----------------------------------------------------------------
# cron skips files in /etc/cron.d whose name has a dot, and a last line
# without a newline.
case "$(basename "$cron")" in *.*) fail "$cron: cron ignores file names with a dot";; esac
[ "$(tail -c1 "$cron" | od -An -c | tr -d ' ')" = '\n' ] || fail "$cron: no newline at the end"
jobs=$(grep -vE '^[[:space:]]*(#|$)|^[A-Za-z_][A-Za-z0-9_]*=' "$cron" || true)
if [ "$(grep -c . <<<"$jobs")" != 1 ]; then
  fail "$cron: expected exactly one job line, found: $jobs"
else
  read -r minute hour dom month dow user command <<<"$jobs"
  [ "$minute $hour $dom $month $dow" = "0 * * * *" ] \
    || fail "$cron: schedule is '$minute $hour $dom $month $dow', expected '0 * * * *'"
  [ "$user" = meter-sync ] || fail "$cron: runs as '$user', expected meter-sync"
  # An unescaped % ends the command in crontab syntax.
  if grep -qE '(^|[^\\])%' <<<"$command"; then fail "$cron: unescaped % in the command"; fi
  grep -qF 'test -x /usr/bin/meter-sync &&' <<<"$command" || fail "$cron: no 'test -x' guard"
  grep -qE '/usr/bin/meter-sync run --trigger scheduled --quiet$' <<<"$command" \
    || fail "$cron: the command is not 'meter-sync run --trigger scheduled --quiet'"
  sh -n -c "$command" || fail "$cron: the command is not valid sh"
  ok "cron job: $minute $hour $dom $month $dow as $user"
fi
grep -qE '^#.*MAILTO' "$cron" || fail "$cron: no comment on MAILTO"

# --- example env file ------------------------------------------------------------
# meter-sync reads /etc/meter-sync/meter-sync.env by default: the packaged one
# must set nothing.
if grep -nvE '^[[:space:]]*(#|$)' "$env_file" >&2; then
  fail "$env_file: the lines above are settings; every setting must be commented out"
fi
man_vars=$(grep -ohE '\b(METER_SYNC|POSTGRES_SYNC|POSTGRES_CLIENT)_[A-Z_]*[A-Z]\b' "$page" | sort -u)
env_vars=$(sed -nE 's/^#[[:space:]]*(export[[:space:]]+)?([A-Z][A-Z0-9_]*)=.*/\2/p' "$env_file" | sort -u)
[ -n "$man_vars" ] || fail "$page names no environment variable"
for var in $man_vars; do
  grep -qxF "$var" <<<"$env_vars" || fail "$env_file does not show $var (documented in $page)"
done
for var in $env_vars; do
  grep -qxF "$var" <<<"$man_vars" || fail "$env_file shows $var, which $page does not document"
done
# Every variable the sources name is documented.
if [ -d "$src/src" ]; then
  for var in $(grep -rhoE '"METER_SYNC_[A-Z_]*[A-Z]"' "$src/src" | tr -d '"' | sort -u); do
    grep -qxF "$var" <<<"$man_vars" || fail "src/ reads $var, which $page does not document"
  done
fi
ok "env file: $(wc -w <<<"$env_vars") variables checked"

# --- systemd units ---------------------------------------------------------------
service=$src/packaging/meter-sync.service
timer=$src/packaging/meter-sync.timer
for want in Type=oneshot User=meter-sync 'TimeoutStartSec=' \
            'ExecStart=/usr/bin/meter-sync run --trigger scheduled --quiet'; do
  grep -qE "^${want}" "$service" || fail "$service: no '$want'"
done
for want in OnCalendar=hourly Persistent=true RandomizedDelaySec= WantedBy=timers.target; do
  grep -qE "^${want}" "$timer" || fail "$timer: no '$want'"
done
if command -v systemd-analyze >/dev/null; then
  # Before the package is installed /usr/bin/meter-sync may be missing: that
  # one complaint is expected here (deb-install.sh verifies the installed units).
  out=$(cd "$src/packaging" && systemd-analyze verify --man=no ./meter-sync.timer ./meter-sync.service 2>&1) || true
  out=$(grep -vE 'Command /usr/bin/meter-sync is not executable' <<<"$out" || true)
  if [ -n "$out" ]; then fail "systemd-analyze verify: $out"; else ok "systemd units verify clean"; fi
fi

# --- maintainer scripts and conffiles ------------------------------------------
for script in postinst prerm postrm; do
  f=$src/packaging/debian/$script
  head -1 "$f" | grep -qx '#!/bin/sh' || fail "$f: must start with #!/bin/sh"
  grep -qx 'set -e' "$f" || fail "$f: no 'set -e'"
  sh -n "$f" || fail "$f: not valid sh"
  if command -v shellcheck >/dev/null; then shellcheck -s sh "$f" || fail "$f: shellcheck"; fi
done
conffiles=$src/packaging/debian/conffiles
[ "$(cat "$conffiles")" = $'/etc/cron.d/meter-sync\n/etc/meter-sync/meter-sync.env' ] \
  || fail "$conffiles: expected the cron file and the env file, found: $(cat "$conffiles")"
ok "maintainer scripts and conffiles"

# --- changelog ---------------------------------------------------------------------
if command -v dpkg-parsechangelog >/dev/null; then
  top=$(dpkg-parsechangelog -l "$src/packaging/changelog" -S Version)
else
  top=$(sed -nE '1s/^meter-sync \(([^)]*)\).*/\1/p' "$src/packaging/changelog")
fi
[ "$top" = "$deb_version" ] \
  || fail "packaging/changelog: latest entry is $top, the package is $deb_version (add an entry)"
ok "changelog: latest entry $top"
exit $status
