#!/usr/bin/env bash
# The man page renders without a single warning: groff -wall, man-db the way
# lintian runs it, and mandoc -Tlint (when mandoc is installed).
# usage: man-lint.sh MANPAGE
set -euo pipefail
page=${1:?usage: man-lint.sh MANPAGE}
[ -r "$page" ] || { echo "man-lint: cannot read $page" >&2; exit 1; }
status=0

report() { # NAME FILE: print FILE's content as the findings of NAME, if any
  if [ -s "$2" ]; then
    echo "man-lint: $1 reports problems in $page:" >&2
    cat "$2" >&2
    status=1
  else
    echo "man-lint: $1: clean"
  fi
}
out=$(mktemp); trap 'rm -f "$out"' EXIT

# -wall leaves out the di, mac and reg warnings (an undefined macro passes);
# -ww is every warning.
for warnings in -wall -ww; do
  groff "$warnings" -man -Tutf8 "$page" >/dev/null 2>"$out" || echo "groff exited $?" >>"$out"
  report "groff $warnings" "$out"
done

# What lintian's manpages check runs (at 80 columns, like a terminal).
if command -v man >/dev/null; then
  LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 \
    man --warnings -E UTF-8 -l -Tutf8 -Z "$page" >/dev/null 2>"$out" || echo "man exited $?" >>"$out"
  report "man --warnings" "$out"
fi

if command -v mandoc >/dev/null; then
  mandoc -Tlint -Wall "$page" >"$out" 2>&1 || echo "mandoc exited $?" >>"$out"
  report "mandoc -Tlint" "$out"
else
  echo "man-lint: mandoc not installed, mandoc -Tlint not run (scripts/install-deps.sh installs it)"
fi

# The required sections are there.
for section in NAME SYNOPSIS DESCRIPTION COMMANDS OPTIONS ENVIRONMENT FILES \
               "EXIT STATUS" EXAMPLES "SEE ALSO"; do
  if ! grep -qE "^\.SH \"?$section\"?\$" "$page"; then
    echo "man-lint: section $section missing from $page" >&2
    status=1
  fi
done
exit $status
