#!/usr/bin/env bash
# The bash completion (generated from the settings table) completes every subcommand, every
# option that `meter-sync --help`, `run --help` and `status --help` show, and the values of
# the options with choices.
# usage: completion.sh BINARY COMPLETION-FILE
set -uo pipefail
bin=${1:?usage: completion.sh BINARY COMPLETION-FILE}
file=${2:?usage: completion.sh BINARY COMPLETION-FILE}
[ -r "$file" ] || { echo "completion: cannot read $file" >&2; exit 1; }
# shellcheck source=/dev/null
source "$file"
status=0
fail() { echo "completion: $*" >&2; status=1; }

# complete WORDS...: COMPREPLY for the last word, one per line
complete_words() {
  COMP_WORDS=("$@")
  COMP_CWORD=$(($# - 1))
  COMP_LINE="$*"
  COMPREPLY=()
  _meter_sync
  printf '%s\n' "${COMPREPLY[@]}"
}
expect() { # WANTED WORDS...: WANTED is among the completions of WORDS
  local wanted=$1; shift
  complete_words "$@" | grep -qxF -- "$wanted" || fail "'${*}<TAB>' does not offer $wanted (got: $(complete_words "$@" | tr '\n' ' '))"
}
options_of() { # the options that `meter-sync ARGS --help` shows
  "$bin" "$@" --help | grep -oE '(^|[][[:space:],|(])--?[[:alpha:]][[:alnum:]-]*' | sed -E 's/^[^-]+//' | sort -u
}

checked=0
for cmd in run status; do expect "$cmd" meter-sync ""; expect "$cmd" meter-sync "${cmd:0:2}"; done
while read -r option; do expect "$option" meter-sync "${option:0:2}"; checked=$((checked + 1)); done < <(options_of)
for cmd in run status; do
  while read -r option; do
    expect "$option" meter-sync "$cmd" "${option:0:3}"
    expect "$option" meter-sync --local-db x "$cmd" --json "${option:0:3}"  # after a value and an option
    checked=$((checked + 1))
  done < <(options_of "$cmd")
done
for level in trace debug info warn error off; do expect "$level" meter-sync --log-level ""; done
expect json meter-sync status --log-format j
expect scheduled meter-sync run --trigger ""
expect manual meter-sync run --json --trigger m
# a value is not completed as an option or a command
[ -z "$(complete_words meter-sync --lock-key "")" ] || fail "--lock-key <TAB> offers: $(complete_words meter-sync --lock-key "")"
[ -z "$(complete_words meter-sync run --max-age "")" ] || true  # --max-age is status only
complete_words meter-sync status "" | grep -qx run && fail "'meter-sync status <TAB>' offers another command"
complete_words meter-sync status --m | grep -qx -- --max-deactivate-percent && fail "status offers a run option"
[ $status = 0 ] && echo "completion: $checked options, 2 commands and the choices complete"
exit $status
