#!/usr/bin/env bash
# Every option that `meter-sync --help`, `meter-sync run --help` and
# `meter-sync status --help` print is documented in the man page, every option
# in the man page's SYNOPSIS and OPTIONS exists, and the version in the man
# page's footer is the one `meter-sync --version` prints. With SETTINGS_EXPORT (the
# build's settings_export, which prints the settings table of src/core/settings_table.cpp),
# also: every option of the table is in --help, and every environment variable it reads
# is documented in the man page.
# usage: man-options.sh BINARY MANPAGE [SETTINGS_EXPORT]
set -euo pipefail
bin=${1:?usage: man-options.sh BINARY MANPAGE}
page=${2:?usage: man-options.sh BINARY MANPAGE}
[ -x "$bin" ] || { echo "man-options: $bin is not an executable" >&2; exit 1; }
[ -r "$page" ] || { echo "man-options: cannot read $page" >&2; exit 1; }

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
status=0
fail() { echo "man-options: $*" >&2; status=1; }

# The page as a reader sees it: plain ASCII, one paragraph a line (no
# hyphenation, no line breaks inside an option name).
groff -man -Tascii -rLL=2000n -rHY=0 -P-c -P-b -P-u -P-o "$page" 2>/dev/null \
  | sed $'s/.\b//g' >"$tmp/man.txt"
[ -s "$tmp/man.txt" ] || { echo "man-options: $page renders to nothing" >&2; exit 1; }

# Options in a text: -x or --long-name, after a line start, blank, comma or
# bracket (so "meter-sync" or "one-shot" are not options).
options_in() {
  grep -oE '(^|[][[:space:],|(])--?[[:alpha:]][[:alnum:]-]*' "$1" \
    | sed -E 's/^[^-]+//' | sort -u
}
documented() { # OPTION: is it in the rendered man page, as a whole word?
  grep -qE -- "(^|[^[:alnum:]-])$1([^[:alnum:]-]|\$)" "$tmp/man.txt"
}

: >"$tmp/all-help-options"
check_help() { # MIN-OPTIONS ARGS...: the help of `meter-sync ARGS` is documented
  local min=$1; shift
  local name="meter-sync $*"
  if ! "$bin" "$@" >"$tmp/help.txt" 2>"$tmp/help.err"; then
    fail "'$name' failed: $(head -c 300 "$tmp/help.err")"
    return
  fi
  options_in "$tmp/help.txt" >"$tmp/options"
  local count
  count=$(grep -cvE '^(-h|--help)$' "$tmp/options" || true)
  if [ "$count" -lt "$min" ]; then
    fail "'$name' shows $count options besides --help, expected at least $min; output was:"
    cat "$tmp/help.txt" >&2
  fi
  local option missing=0
  while read -r option; do
    if ! documented "$option"; then
      fail "'$name' shows $option, which $page does not document"
      missing=1
    fi
  done <"$tmp/options"
  [ $missing = 1 ] || echo "man-options: all $(wc -l <"$tmp/options") options of '$name' are documented"
  cat "$tmp/options" >>"$tmp/all-help-options"
}
check_help 10 --help
check_help 6 run --help
check_help 1 status --help

# The other way round: the man page documents no option the program lacks.
awk '/^[A-Z][A-Z ]*$/ { keep = ($0 == "SYNOPSIS" || $0 == "OPTIONS") } keep' \
  "$tmp/man.txt" >"$tmp/man-options-sections.txt"
while read -r option; do
  grep -qxF -- "$option" "$tmp/all-help-options" \
    || fail "$page documents $option, which no --help output shows"
done < <(options_in "$tmp/man-options-sections.txt")

# The settings table: its options are what --help shows, its variables are documented.
if [ -n "${3:-}" ]; then
  "$3" table >"$tmp/table" || fail "'$3 table' failed"
  variables=0
  while IFS=$'\t' read -r scope flag _short env _value; do
    grep -qxF -- "$flag" "$tmp/all-help-options" || fail "settings table has $scope $flag, which no --help output shows"
    [ "$env" = - ] && continue
    for var in ${env//,/ }; do
      documented "$var" || fail "settings table reads $var ($flag), which $page does not document"
      variables=$((variables + 1))
    done
  done <"$tmp/table"
  echo "man-options: the settings table's $(wc -l <"$tmp/table") options are in --help, its $variables variables in $page"
fi

# Version: the footer of .TH against `meter-sync --version`.
man_version=$(sed -nE 's/^\.TH .*"meter\\-sync ([0-9][0-9A-Za-z.~+-]*)".*/\1/p' "$page")
version_out=$("$bin" --version 2>&1) || fail "'meter-sync --version' failed: $version_out"
if [ -z "$man_version" ]; then
  fail "no version in the .TH line of $page"
elif ! grep -qE "(^|[^0-9.])${man_version//./\\.}([^0-9.]|\$)" <<<"$version_out"; then
  fail "$page says version $man_version, 'meter-sync --version' says: $version_out"
else
  echo "man-options: man page and binary agree on version $man_version"
fi
exit $status
