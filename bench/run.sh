#!/usr/bin/env bash
# meter-sync benchmark: floor vs hand-written SQL job vs meter-sync, three scenarios.
#   bench/run.sh [--contenders LIST] N [RUNS]   N meters of the tenant, RUNS repeats (default 3)
#   bench/run.sh --link 100mbit,20ms N [RUNS]    WAN: the remote link shaped (bandwidth, one-way delay)
#   bench/run.sh --scenario varchar N [RUNS]     local meter with varchar columns (types differ)
#   bench/run.sh --scenario view N [RUNS]        remote meter is a view (--remote-table api.meter)
#   bench/run.sh --smoke                         CI: N=300, a WAN part and a view part; fails
#                                                unless meter-sync is correct
#   bench/run.sh --profile DIR N [RUNS]          also keep per-run server logs (every statement,
#                                                auto_explain plans) and perf profiles in DIR
# Progress goes to stderr, the Markdown table to stdout. See bench/README.md.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$HERE")
BIN=${METER_SYNC_BIN:-${BUILD_DIR:-$REPO/build}/meter-sync}
TENANT=${BENCH_TENANT:-42}
OTHERS=${BENCH_OTHERS:-3}                  # other tenants' rows per tenant row
RESET_LIKE=${BENCH_RESET_LIKE-meter_sync%} # meter-sync's own tables, emptied for scenario 1 ('' = none)
COLS="id, name, type, serial_number, installation_date, device_id, location_id, ip, port, protocol, status, register_map, notes, active, created_at, updated_at"

usage() {
  sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 64
}

SMOKE=0
CONTENDERS=""
PROFILE_DIR=""
LINK=""
SCENARIO=""
while [ $# -gt 0 ]; do
  case $1 in
    --smoke) SMOKE=1; shift ;;
    --contenders) CONTENDERS=$2; shift 2 ;;
    --link) LINK=$2; shift 2 ;;
    --scenario) SCENARIO=$2; shift 2 ;;
    --profile) PROFILE_DIR=$(mkdir -p "$2" && cd "$2" && pwd); shift 2 ;;
    -h|--help) usage ;;
    -*) echo "run.sh: unknown option $1" >&2; usage ;;
    *) break ;;
  esac
done
# The smoke test is two small runs, each on its own cluster: the WAN path (the
# table scenario over a shaped link) and the remote view. The varchar scenario
# is not in it (see bench/README.md).
if [ "$SMOKE" = 1 ] && [ -z "$SCENARIO" ] && [ -z "$LINK" ]; then
  smoke_rc=0
  "$0" --smoke --scenario table --link 100mbit,10ms ${CONTENDERS:+--contenders "$CONTENDERS"} "${1:-300}" 1 || smoke_rc=1
  # two repeats, only `meter` emptied before each (the tool's own tables kept, as after
  # a DBA's TRUNCATE meter): a view has no xmin, yet every missing key must be fetched
  BENCH_RESET_LIKE="" "$0" --smoke --scenario view --contenders "${CONTENDERS:-floor,meter-sync}" "${1:-300}" 2 ||
    smoke_rc=1
  exit "$smoke_rc"
fi
SCENARIO=${SCENARIO:-table}
case $SCENARIO in
  table|varchar|view) ;;
  *) echo "run.sh: unknown scenario $SCENARIO (table, varchar, view)" >&2; exit 64 ;;
esac
if [ -n "$LINK" ]; then
  python3 -B -c 'import sys; sys.path.insert(0, sys.argv[1]); import countproxy; countproxy.parse_link(sys.argv[2])' \
    "$HERE" "$LINK" 2>/dev/null || { echo "run.sh: --link $LINK: expected BANDWIDTH,DELAY such as 100mbit,20ms" >&2; exit 64; }
fi
# What differs per scenario: the remote id's type, the local table, the remote
# relation the contenders read, and meter-sync's extra options.
ID_TYPE=int; LOCAL_SQL=local.sql; REMOTE_TABLE=meter; MS_OPTS=(); HARNESS_PATH=public
case $SCENARIO in
  varchar) ID_TYPE=bigint; LOCAL_SQL=local_varchar.sql ;;
  view)  # BENCH_VIEW=public.meter: the view under the default name (no --remote-table needed)
    REMOTE_TABLE=${BENCH_VIEW:-api.meter}; MS_OPTS=(--remote-table "$REMOTE_TABLE"); HARNESS_PATH=bench,public ;;
esac
if [ "$SMOKE" = 1 ]; then
  N=${1:-300}; RUNS=${2:-1}
else
  [ $# -ge 1 ] || usage
  N=$1; RUNS=${2:-3}
fi
[[ $N =~ ^[0-9]+$ && $N -ge 200 && $RUNS =~ ^[1-9][0-9]*$ ]] ||
  { echo "run.sh: N must be an integer >= 200 and RUNS >= 1" >&2; exit 64; }

export LC_NUMERIC=C  # "." in $EPOCHREALTIME
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
log() { printf '%s bench: %s\n' "$(date +%T)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# --- contenders -------------------------------------------------------------
if [ -z "$CONTENDERS" ]; then
  CONTENDERS="floor,copy-target,fdw"
  [ "$SMOKE" = 0 ] || CONTENDERS="floor,fdw"  # the reference checks nothing; the smoke stays short
  if [ -x "$BIN" ]; then
    CONTENDERS+=",meter-sync"
    "$BIN" run --help 2>&1 | grep -q -- '--full-fetch' && CONTENDERS+=",meter-sync-full"
  elif [ "$SMOKE" = 1 ]; then
    die "$BIN not found: build meter-sync first (or set METER_SYNC_BIN)"
  else
    log "warning: $BIN not found; benchmarking floor and fdw only"
  fi
fi
IFS=, read -r -a CONTENDER_LIST <<<"$CONTENDERS"
for c in "${CONTENDER_LIST[@]}"; do
  case $c in
    floor|copy-target|fdw) ;;
    meter-sync|meter-sync-full) [ -x "$BIN" ] || die "$BIN not found" ;;
    *) die "unknown contender $c (floor, copy-target, fdw, meter-sync, meter-sync-full)" ;;
  esac
done
db_of() {
  case $1 in
    floor) echo local_floor ;; copy-target) echo local_target ;; fdw) echo local_fdw ;;
    meter-sync) echo local ;; meter-sync-full) echo local_full ;;
  esac
}
table_of() { if [ "$1" = floor ]; then echo staging; else echo meter; fi; }

if [ ! -x /usr/bin/time ]; then
  log "installing GNU time (/usr/bin/time) for peak RSS"
  { apt-get install -y -q time || { apt-get update -q && apt-get install -y -q time; }; } >&2 ||
    die "/usr/bin/time missing: apt-get install time"
fi

# --- cluster, proxy, databases -------------------------------------------------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/meter-sync-bench.XXXXXX")
PROXY_PID=""
cleanup() {
  local rc=$?
  [ -z "$PROXY_PID" ] || kill "$PROXY_PID" 2>/dev/null || true
  [ -z "${PERF_PID:-}" ] || kill -INT "$PERF_PID" 2>/dev/null || true
  if [ "${BENCH_KEEP:-0}" = 1 ]; then
    log "kept $WORK (cluster still running; stop with scripts/pg-cluster.sh stop $WORK/pg)"
  else
    "$REPO/scripts/pg-cluster.sh" stop "$WORK/pg" || true
    rm -rf "$WORK"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "N=$N RUNS=$RUNS scenario=$SCENARIO link=${LINK:-none} contenders=$CONTENDERS work=$WORK"
if [ -x "$BIN" ]; then  # one version for the whole run, even if the build replaces it meanwhile
  cp "$BIN" "$WORK/meter-sync"
  BIN=$WORK/meter-sync
fi
eval "$("$REPO/scripts/pg-cluster.sh" start "$WORK/pg" | tail -n 1)"
export PGHOST PGPORT PGUSER
unset PGDATABASE PGTZ PGOPTIONS
export PGAPPNAME=bench-harness  # the profile's log summary leaves these sessions out
q() { local db=$1; shift; psql -X -q -v ON_ERROR_STOP=1 -d "$db" "$@"; }
qv() { local db=$1; shift; psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" "$@"; }

# Stable numbers: no autovacuum in the middle of a timed run (the script vacuums
# between scenarios instead, as an hour between cron runs would).
qv postgres -c "ALTER SYSTEM SET autovacuum = off" -c "SELECT pg_reload_conf()" >/dev/null

python3 "$HERE/countproxy.py" --target-port "$PGPORT" --port-file "$WORK/proxy.ports" ${LINK:+--link "$LINK"} &
PROXY_PID=$!
for _ in $(seq 100); do [ -s "$WORK/proxy.ports" ] && break; sleep 0.05; done
[ -s "$WORK/proxy.ports" ] || die "counting proxy did not start"
read -r PROXY_PORT CONTROL_PORT <"$WORK/proxy.ports"
proxy_counts() {  # -> "<bytes down> <round trips>"
  local down up conns turns
  exec 3<>"/dev/tcp/127.0.0.1/$CONTROL_PORT"
  read -r down up conns turns <&3
  exec 3<&-
  echo "$down $turns"
}

t0=$EPOCHREALTIME
q postgres -c "CREATE DATABASE remote" -c "CREATE DATABASE local"
# remote and local in different time zones, as they may well be in the field
q postgres -c "ALTER DATABASE remote SET timezone = 'America/New_York'"
q remote -v n="$N" -v k="$OTHERS" -v tenant="$TENANT" -v id_type="$ID_TYPE" -f "$HERE/gen.sql"
[ "$SCENARIO" != view ] || q remote -v tenant="$TENANT" -v view="$REMOTE_TABLE" -f "$HERE/view.sql"
q local -v tenant="$TENANT" -f "$HERE/$LOCAL_SQL"
for c in "${CONTENDER_LIST[@]}"; do
  db=$(db_of "$c")
  [ "$db" = local ] || q postgres -c "CREATE DATABASE $db TEMPLATE local"
  q postgres -c "ALTER DATABASE $db SET timezone = 'Europe/Berlin'"
done
if [[ ,$CONTENDERS, == *,fdw,* ]]; then
  schema_name=public; table_name=$REMOTE_TABLE
  [[ $REMOTE_TABLE != *.* ]] || { schema_name=${REMOTE_TABLE%%.*}; table_name=${REMOTE_TABLE#*.}; }
  q local_fdw -v proxy_port="$PROXY_PORT" -v id_type="$ID_TYPE" -v schema_name="$schema_name" \
    -v table_name="$table_name" -f "$HERE/fdw_setup.sql"
fi
remote_bytes=$(qv remote -c "SELECT pg_size_pretty(sum(pg_column_size(m.*))::bigint) FROM $REMOTE_TABLE m WHERE tenant_id = $TENANT")
log "data generated in $(elapsed "$t0" "$EPOCHREALTIME") s (tenant rows: $remote_bytes; other tenants: $((N * OTHERS)) rows)"

# Profile mode: every statement with its duration, and the plans (with actual
# times) of those over 5 ms, go to the server log; each run's slice of it is kept.
# Timings are inflated by the instrumentation: use the table of a plain run.
if [ -n "$PROFILE_DIR" ]; then
  qv postgres -c "ALTER SYSTEM SET log_min_duration_statement = 0" \
    -c "ALTER SYSTEM SET log_line_prefix = '%m [%p] %d %a: '" \
    -c "LOAD 'auto_explain'" -c "ALTER SYSTEM SET session_preload_libraries = 'auto_explain'" \
    -c "ALTER SYSTEM SET auto_explain.log_min_duration = '5ms'" \
    -c "ALTER SYSTEM SET auto_explain.log_analyze = on" \
    -c "ALTER SYSTEM SET auto_explain.log_buffers = on" \
    -c "ALTER SYSTEM SET auto_explain.log_nested_statements = on" \
    -c "SELECT pg_reload_conf()" >/dev/null
  log "profile mode: logs and perf data in $PROFILE_DIR"
fi
SERVER_LOG=$WORK/pg/server.log
PERF_PID=""
profile_begin() {  # contender scenario rep
  [ -n "$PROFILE_DIR" ] || return 0
  LOG_OFFSET=$(stat -c %s "$SERVER_LOG")
  if [[ $1 == meter-sync* ]] && command -v perf >/dev/null; then
    perf record -q -e cpu-clock -F 1000 -a -g -o "$PROFILE_DIR/s$2-$1-$3.perf.data" 2>/dev/null &
    PERF_PID=$!
    sleep 0.3
  fi
}
profile_end() {  # contender scenario rep
  [ -n "$PROFILE_DIR" ] || return 0
  local base=$PROFILE_DIR/s$2-$1-$3
  if [ -n "$PERF_PID" ]; then
    kill -INT "$PERF_PID"; wait "$PERF_PID" || true; PERF_PID=""
    # CPU by process (samples at 1 kHz = CPU ms) and the hottest symbols of the
    # postgres backends and meter-sync
    perf report -i "$base.perf.data" --stdio -n --no-children -g none --sort pid,comm 2>/dev/null |
      grep -E '^ +[0-9]' | head -n 20 >"$base.perf-by-process.txt" || true
    perf report -i "$base.perf.data" --stdio -n --no-children -g none --comms postgres,meter-sync \
      --sort comm,dso,sym 2>/dev/null | grep -E '^ +[0-9]' | head -n 60 >"$base.perf-symbols.txt" || true
  fi
  tail -c +"$((LOG_OFFSET + 1))" "$SERVER_LOG" >"$base.server.log"
  python3 "$HERE/logsummary.py" "$base.server.log" >"$base.statements.txt" || true
  if [ -f "$base.perf.data" ]; then
    # per backend of the run (pids from the log): its hottest symbols
    local pid dbn app
    while read -r pid dbn app; do
      echo "== backend $pid ($dbn, $app)"
      perf report -i "$base.perf.data" --stdio -n --no-children -g none --percentage relative --pid "$pid" \
        --sort dso,sym 2>/dev/null | grep -E '^ +[0-9]' | head -n 25
    done < <(sed -n '/^backends/,/^$/p' "$base.statements.txt" | awk 'NR > 1 && NF >= 2') \
      >"$base.perf-backends.txt" || true
  fi
  [ ! -f "$WORK/err.txt" ] || [[ $1 != meter-sync* ]] || cp "$WORK/err.txt" "$base.stderr"
}

# --- measurement ---------------------------------------------------------------
RESULTS=$WORK/results.tsv
EXPECT=$WORK/expect.tsv
FAILURES=0
printf 'scenario\tcontender\trep\tsecs\trows\tbytes\twal\trss_kb\tcpu_s\tins\tupd\tdel\tskipped\trc\tturns\terror\n' >"$RESULTS"
printf 'scenario\tins\tupd\tdel\n' >"$EXPECT"

# Waits until no other session is connected to $1, then reads
# "<n_tup_ins + n_tup_upd of table $2> <WAL position>" once two reads agree (a
# backend flushes its statistics as it exits, just after leaving pg_stat_activity).
# One psql per read (a psql start costs 20-150 ms on a busy machine).
settled_stats() {  # db table [CHECKPOINT: run one first, in the same session]
  local db=$1 tbl=$2 prev="" cur="" i first=()
  [ -z "${3:-}" ] || first=(-c CHECKPOINT)
  for i in $(seq 120); do
    cur=$(qv "$db" "${first[@]}" -c "SELECT (SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
                                 AND pid <> pg_backend_pid()),
                              coalesce((SELECT n_tup_ins + n_tup_upd FROM pg_stat_user_tables
                                        WHERE relid = to_regclass('public.$tbl')), 0),
                              pg_current_wal_lsn()")
    # sessions|rows|lsn: done when no other session is left and the rows agree with the last read
    [ "${cur%%|*}" = 0 ] && [ "${cur%|*}" = "${prev%|*}" ] && break
    prev=$cur first=()
    sleep 0.05
  done
  cur=${cur#*|}
  echo "${cur%|*} $(lsn_bytes "${cur#*|}")"
}
lsn_bytes() { local hi=${1%/*} lo=${1#*/}; echo $(( (16#$hi << 32) + 16#$lo )); }

run_contender() {  # contender -> exit status; stderr in $WORK/err.txt, meter-sync's figures in $WORK/time.txt, out.json
  local c=$1 db remote_id=r.id
  db=$(db_of "$c")
  [ "$SCENARIO" != varchar ] || remote_id=r.id::varchar
  : >"$WORK/err.txt"
  case $c in
    floor)
      PGAPPNAME=floor psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PROXY_PORT" -d remote \
        -c "\\copy (SELECT $COLS FROM $REMOTE_TABLE WHERE tenant_id = $TENANT) TO STDOUT" 2>>"$WORK/err.txt" |
        PGAPPNAME=floor psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c "\\copy staging FROM STDIN" 2>>"$WORK/err.txt" ;;
    copy-target)  # what writing every row into the real (empty) target table costs
      PGTZ=UTC PGAPPNAME=copy-target psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PROXY_PORT" -d remote \
        -c "\\copy (SELECT $COLS FROM $REMOTE_TABLE WHERE tenant_id = $TENANT) TO STDOUT" 2>>"$WORK/err.txt" |
        PGAPPNAME=copy-target psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c "\\copy meter ($COLS) FROM STDIN" 2>>"$WORK/err.txt" ;;
    fdw)
      PGAPPNAME=fdw-job q "$db" -v tenant="$TENANT" -v remote_id="$remote_id" -f "$HERE/fdw_job.sql" \
        >/dev/null 2>>"$WORK/err.txt" ;;
    meter-sync|meter-sync-full)
      local extra=()
      [ "$c" = meter-sync-full ] && extra=(--full-fetch)
      env -u PGHOST -u PGPORT -u PGUSER -u PGAPPNAME /usr/bin/time -v -o "$WORK/time.txt" \
        "$BIN" --local-db "host=127.0.0.1 port=$PGPORT user=postgres dbname=$db" \
        --remote-db "host=127.0.0.1 port=$PROXY_PORT user=postgres dbname=remote" "${MS_OPTS[@]}" \
        run --json "${extra[@]}" >"$WORK/out.json" 2>"$WORK/err.txt" ;;
  esac
}

# One line saying why a contender failed: meter-sync's JSON message (and error),
# else the last line of its stderr; tabs and newlines flattened for the TSV.
failure_text() {  # contender
  local msg=""
  if [[ $1 == meter-sync* ]] && [ -s "$WORK/out.json" ]; then
    msg=$(python3 -c '
import json, sys
try:
    o = json.load(open(sys.argv[1]))
except ValueError:
    sys.exit(0)
r = o.get("result") or {}
print(" / ".join(dict.fromkeys(x for x in (o.get("message"), r.get("error")) if x)))' "$WORK/out.json" 2>/dev/null || true)
  fi
  [ -n "$msg" ] || msg=$(grep -v '^\s*$' "$WORK/err.txt" 2>/dev/null | grep -v 'Command exited with non-zero status' | tail -n 2 || true)
  printf '%s' "$msg" | tr '\t\n\r' '   ' | cut -c1-400
}

measure() {  # contender scenario rep
  local c=$1 s=$2 rep=$3 db tbl before after b0 b1 t0 t1 rc=0
  db=$(db_of "$c"); tbl=$(table_of "$c")
  [ "$c" != floor ] || q "$db" -f "$HERE/floor_staging.sql"
  [ "$c" != copy-target ] || q "$db" -c "TRUNCATE meter"
  before=$(settled_stats "$db" "$tbl" CHECKPOINT); read -r b0 r0 < <(proxy_counts)
  profile_begin "$c" "$s" "$rep"
  t0=$EPOCHREALTIME
  run_contender "$c" || rc=$?
  t1=$EPOCHREALTIME
  profile_end "$c" "$s" "$rep"
  read -r b1 r1 < <(proxy_counts); after=$(settled_stats "$db" "$tbl")
  local rows wal rss=- cpu=- ins=- upd=- del=- skipped=- err=""
  [ "$rc" = 0 ] || err=$(failure_text "$c")
  rows=$(( ${after% *} - ${before% *} ))
  wal=$(( ${after#* } - ${before#* } ))
  if [[ $c == meter-sync* ]]; then
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time.txt")
    cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {print s}' "$WORK/time.txt")
    if [ "$rc" = 0 ] || [ -s "$WORK/out.json" ]; then
      read -r ins upd del skipped < <(python3 -c '
import json, sys
r = json.load(open(sys.argv[1])).get("result") or {}
print(*(r.get(k, "?") for k in ("inserted", "updated", "deleted", "skipped")))' "$WORK/out.json" 2>/dev/null || echo "? ? ? ?")
    fi
  fi
  if [ "$rc" != 0 ]; then  # reported in the table and under it; the run goes on
    FAILURES=$((FAILURES + 1))
    log "FAIL: $c scenario $s run $rep exited $rc: $err"
    cp "$WORK/err.txt" "$WORK/fail-$c-$s-$rep.stderr"
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$s" "$c" "$rep" \
    "$(elapsed "$t0" "$t1")" "$rows" "$((b1 - b0))" "$wal" "$rss" "$cpu" "$ins" "$upd" "$del" "$skipped" "$rc" \
    "$((r1 - r0))" "$err" >>"$RESULTS"
  log "scenario $s run $rep $c: $(elapsed "$t0" "$t1") s, rows written $rows, from remote $((b1 - b0)) B in $((r1 - r0)) round trips$([ "$rss" = - ] || echo ", rss $rss kB, counts $ins/$upd/$del/$skipped")"
}

reset_empty() {  # scenario 1: empty local meter and meter-sync's own tables
  q "$(db_of "$1")" -v like="$RESET_LIKE" <<'SQL'
SELECT string_agg(c.oid::regclass::text, ', ') AS tables
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\_%'
  AND (c.relname = 'meter' OR c.relname LIKE :'like') \gset
TRUNCATE :tables;
SQL
}

vacuum_locals() {
  local c
  for c in "${CONTENDER_LIST[@]}"; do [ "$c" = floor ] || q "$(db_of "$c")" -c "VACUUM ANALYZE"; done
}

# Final state check: every remote tenant row is in the local table with identical
# values, and every other local meter is inactive.
verify() {  # contender
  local c=$1 db sel
  db=$(db_of "$c")
  sel="SELECT ${COLS/register_map/register_map::jsonb}"
  PGTZ=UTC qv remote -c "COPY ($sel FROM $REMOTE_TABLE WHERE tenant_id = $TENANT) TO STDOUT" | LC_ALL=C sort >"$WORK/remote.txt"
  PGTZ=UTC qv "$db" -c "COPY ($sel FROM meter) TO STDOUT" | LC_ALL=C sort >"$WORK/local.txt"
  local missing extra
  missing=$(LC_ALL=C comm -13 "$WORK/local.txt" "$WORK/remote.txt" | wc -l)
  extra=$(LC_ALL=C comm -23 "$WORK/local.txt" "$WORK/remote.txt" |
    awk -F'\t' 'NR == FNR { ids[$1] = 1; next } ($1 in ids) || $14 != "f"' "$WORK/remote.txt" - | wc -l)
  if [ "$missing" = 0 ] && [ "$extra" = 0 ]; then
    log "verify $c: local state matches the remote ($(wc -l <"$WORK/remote.txt") remote rows, $(wc -l <"$WORK/local.txt") local rows)"
  else
    log "verify $c: MISMATCH: $missing remote rows missing or different locally, $extra local rows wrongly present/active"
    { LC_ALL=C comm -3 "$WORK/local.txt" "$WORK/remote.txt" | head -n 6 | cut -c1-300 >&2; } || true  # SIGPIPE
    [[ $c != meter-sync* ]] || FAILURES=$((FAILURES + 1))
    VERIFY_FAILED="${VERIFY_FAILED:-} $c"
  fi
}

cpu_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9, $5 }' /proc/stat; }
read -r TICKS0 IDLE0 < <(cpu_ticks)
for rep in $(seq "$RUNS"); do
  for c in "${CONTENDER_LIST[@]}"; do
    [ "$c" = floor ] || reset_empty "$c"
  done
  [ "$rep" != 1 ] || printf '1\t%s\t0\t0\n2\t0\t0\t0\n' "$N" >>"$EXPECT"
  for c in "${CONTENDER_LIST[@]}"; do measure "$c" 1 "$rep"; done
  vacuum_locals
  for c in "${CONTENDER_LIST[@]}"; do measure "$c" 2 "$rep"; done
  vacuum_locals
  read -r added changed deactivated < <(PGOPTIONS="-c search_path=$HARNESS_PATH" qv remote -F " " -v n="$N" -v tenant="$TENANT" -f "$HERE/mutate.sql")
  [ "$rep" != 1 ] || printf '3\t%s\t%s\t%s\n' "$added" "$changed" "$deactivated" >>"$EXPECT"
  for c in "${CONTENDER_LIST[@]}"; do measure "$c" 3 "$rep"; done
  if [ "$rep" = "$RUNS" ]; then
    for c in "${CONTENDER_LIST[@]}"; do [ "$c" = floor ] || [ "$c" = copy-target ] || verify "$c"; done
  fi
  PGOPTIONS="-c search_path=$HARNESS_PATH" q remote -v tenant="$TENANT" -f "$HERE/restore.sql"
done

read -r TICKS1 IDLE1 < <(cpu_ticks)
IDLE_PCT=$(( 100 * (IDLE1 - IDLE0) / (TICKS1 - TICKS0 + 1) ))

# --- report ----------------------------------------------------------------------
ms_version=-
[ ! -x "$BIN" ] || ms_version=$("$BIN" --version 2>/dev/null | head -n 1 || echo '?')
REPORT_ARGS=(--results "$RESULTS" --expect "$EXPECT" --n "$N" --runs "$RUNS" --others "$OTHERS"
  --machine "$(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)"
  --pg "$(qv postgres -c 'SHOW server_version')"
  --version "meter-sync $ms_version, commit $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?')"
  --tenant-size "$remote_bytes" --idle "$IDLE_PCT" --scenario "$SCENARIO" --link "${LINK:-none}" --remote-table "$REMOTE_TABLE")
[ "$SMOKE" = 0 ] || REPORT_ARGS+=(--strict)
python3 "$HERE/report.py" "${REPORT_ARGS[@]}" || FAILURES=$((FAILURES + 1))
[ "${BENCH_KEEP:-0}" != 1 ] || cp "$RESULTS" "$EXPECT" "$WORK/pg/" 2>/dev/null || true

if [ "$FAILURES" != 0 ]; then
  log "FAILED: $FAILURES problem(s)${VERIFY_FAILED:+; state mismatch for:$VERIFY_FAILED}"
  exit 1
fi
log "done"
