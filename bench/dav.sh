#!/usr/bin/env bash
# W3 + W1 of the benchmark plan over WebDAV, against three servers on loopback, one at a time:
# Ferry (release build, /remote.php/dav/files/admin/), Apache httpd mod_dav_fs and dufs.
# Not a test: it prints figures.
#
#   bench/dav.sh                      all servers
#   SERVERS="ferry apache" bench/dav.sh
#
# "ferry" runs with --durability relaxed, as the peers (which never fsync) do: the benchmark
# plan's durability parity. "ferry_strict" is the default durability (every write fsynced,
# SQLite synchronous=FULL), reported beside it against the machine's fsync limit.
#
# Knobs (environment): W3_FILES=10000 W3_RUNS=20 W1_COUNT=1000 W1_CONC=8 W1_ROUNDS=3
# PIN=1 (server on CPU 1, load generator on CPU 0; PIN=0 leaves both unpinned).
# FERRY_BIN=path (use that ferry binary instead of building the work tree).
# QUIET_WAIT=180 (seconds to wait, per server, for the 1-minute load average to fall to 1.5).
#
# W3: the folder w3/d$W3_FILES is filled with 1 KiB files through each server's own DAV PUTs
#     (8 at a time), then listed $W3_RUNS times (after 2 untimed) with PROPFIND Depth 1 and the
#     Nextcloud desktop client's property set.
# W1: $W1_ROUNDS rounds of $W1_COUNT PUTs of new 4 KiB files at concurrency $W1_CONC, each round
#     into a fresh folder, after 100 untimed PUTs.
# Every server gets a fresh data directory and HTTP Basic auth. Installs apache2 (apt) and
# dufs (cargo install, into bench/out/tools) when missing. Everything lives under bench/out/.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=$root/bench/out/dav
tools=$root/bench/out/tools
servers=${SERVERS:-ferry ferry_strict apache dufs}
w3_files=${W3_FILES:-10000}
w3_runs=${W3_RUNS:-20}
w1_count=${W1_COUNT:-1000}
w1_conc=${W1_CONC:-8}
w1_rounds=${W1_ROUNDS:-3}
pin=${PIN:-1}
user=admin
export BENCH_PASSWORD='Bench-Passw0rd'   # read by ferry-bench; never on a command line

if [ -d "$out" ]; then
  rm -rf "$out"
  # On ext4 without a journal (these machines), every file create scans past the inodes
  # freed in the last 30 s (find_inode_bit/recently_deleted): right after deleting the last
  # run's tens of thousands of files, whichever server runs first creates files several
  # times slower. Wait that out.
  echo "== waiting 35 s after deleting the last run's files (ext4 inode reuse delay)" >&2
  sleep 35
fi
mkdir -p "$out" "$tools"
results=$out/results.jsonl
: >"$results"
note() { echo "== $*" >&2; }

# ---- tools ---------------------------------------------------------------------------------
need_apt=()
command -v curl >/dev/null || need_apt+=(curl)
command -v python3 >/dev/null || need_apt+=(python3)
command -v taskset >/dev/null || need_apt+=(util-linux)
command -v timeout >/dev/null || need_apt+=(coreutils)
if [[ " $servers " == *" apache "* ]]; then
  command -v apache2 >/dev/null || need_apt+=(apache2)
  command -v htpasswd >/dev/null || need_apt+=(apache2-utils)
fi
if ((${#need_apt[@]})); then
  note "apt-get install ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >"$out/apt.log" 2>&1
fi
dufs_bin=$tools/bin/dufs
if [[ " $servers " == *" dufs "* ]] && [ ! -x "$dufs_bin" ]; then
  note "cargo install dufs 0.47.0 into bench/out/tools (a few minutes)"
  if ! timeout 1200 cargo install dufs --version 0.47.0 --locked --root "$tools" >"$out/dufs-install.log" 2>&1; then
    note "dufs did not build (bench/out/dav/dufs-install.log); skipping it"
  fi
fi

note "cargo build --release -p ferry-bench"
cargo build --release -q -p ferry-bench
loadgen=$root/target/release/ferry-bench
ferry_built=1 ferry_bin=${FERRY_BIN:-}
if [[ " $servers " == *" ferry"* ]] && [ -z "$ferry_bin" ]; then
  note "cargo build --release -p ferry"
  cargo build --release -q -p ferry 2>"$out/ferry-build.log" || ferry_built=0
  ferry_bin=$root/target/release/ferry
fi

if [ "$pin" = 1 ] && [ "$(nproc)" -ge 2 ]; then
  srv_pin=(taskset -c 1) cli_pin=(taskset -c 0)
else
  pin=0 srv_pin=() cli_pin=()
fi

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
loadavg() { cut -d' ' -f1 /proc/loadavg; }
# Rule 8 of the plan: a run is only trusted when the 1-minute load average was ≤ 1.5 before it.
# Waits up to $QUIET_WAIT seconds (default 180) for that, then goes on regardless.
wait_quiet() {
  local until=$((SECONDS + ${QUIET_WAIT:-180}))
  while awk -v l="$(loadavg)" 'BEGIN{exit !(l > 1.5)}' && ((SECONDS < until)); do sleep 5; done
}

# Appends one JSON object (a result line, or a note) to results.jsonl, tagged with the server.
record() { # server json
  python3 -c 'import json,sys; d=json.loads(sys.argv[2]); d["server"]=sys.argv[1]; print(json.dumps(d))' "$1" "$2" >>"$results"
}
record_note() { # server workload message
  python3 -c 'import json,sys; print(json.dumps({"server":sys.argv[1],"workload":sys.argv[2],"error":sys.argv[3]}))' "$1" "$2" "$3" >>"$results"
}

run_loadgen() { # server base args...
  local server=$1 base=$2 line
  shift 2
  line=$(timeout 900 "${cli_pin[@]}" "$loadgen" --base "$base" --user "$user" --time-limit 300 "$@") || true
  if [ -z "$line" ]; then
    line="{\"workload\":\"$1\",\"error\":\"load generator gave no output (timeout?)\"}"
  fi
  echo "$line" >&2
  record "$server" "$line"
}

pid=
stop_server() {
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  pid=
}
trap stop_server EXIT

# Waits until the DAV root answers a Depth 0 PROPFIND; echoes the last HTTP status.
wait_dav() { # base
  local code=000
  for _ in $(seq 1 200); do
    code=$(curl -s -o /dev/null -w '%{http_code}' -m 5 -u "$user:$BENCH_PASSWORD" -X PROPFIND -H 'Depth: 0' "$1" || true)
    case $code in 000) sleep 0.1 ;; *) break ;; esac
    kill -0 "$pid" 2>/dev/null || break
  done
  echo "$code"
}

# ---- servers -------------------------------------------------------------------------------
start_ferry_as() { # name durability port -> sets pid, base, version
  [ "$ferry_built" = 1 ] || { why="release build failed (bench/out/dav/ferry-build.log)"; return 1; }
  [ -x "$ferry_bin" ] || { why="no binary at $ferry_bin"; return 1; }
  FERRY_DATA_DIR=$out/$1/data FERRY_LISTEN=127.0.0.1:$3 FERRY_ADMIN_PASSWORD=$BENCH_PASSWORD FERRY_LOG=warn \
    FERRY_DURABILITY=$2 "${srv_pin[@]}" "$ferry_bin" serve >"$out/$1/server.log" 2>&1 &
  pid=$!
  base=http://127.0.0.1:$3/remote.php/dav/files/$user/
  version="ferry $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- crates || echo +dirty)"
  [ -z "${FERRY_BIN:-}" ] || version="ferry $(basename "$FERRY_BIN")"
  version="$version $2"
  for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$3/healthz" >/dev/null && break; sleep 0.05; done
}
start_ferry() { start_ferry_as ferry relaxed "$1"; }
start_ferry_strict() { start_ferry_as ferry_strict strict "$1"; }

start_apache() { # port
  local dir=$out/apache mods=/usr/lib/apache2/modules
  mkdir -p "$dir/data" "$dir/lock" "$dir/run"
  # {SHA} (one SHA-1): mod_authn_file re-verifies the hash on every request and caches nothing,
  # so a bcrypt or apr1 entry would make the password hash Apache's bottleneck (≈400 PUT/s).
  htpasswd -b -c -s "$dir/htpasswd" "$user" "$BENCH_PASSWORD" 2>/dev/null
  chown -R www-data:www-data "$dir/data" "$dir/lock"
  chmod 644 "$dir/htpasswd"
  cat >"$dir/httpd.conf" <<EOF
# Generated by bench/dav.sh: one Apache process (mpm_event), mod_dav_fs on $dir/data.
ServerRoot "$dir"
DefaultRuntimeDir "$dir/run"
PidFile "$dir/run/httpd.pid"
Mutex file:$dir/run default
ErrorLog "$dir/error.log"
LogLevel warn
Listen 127.0.0.1:$1
ServerName 127.0.0.1
User www-data
Group www-data
LoadModule mpm_event_module $mods/mod_mpm_event.so
LoadModule authz_core_module $mods/mod_authz_core.so
LoadModule authz_user_module $mods/mod_authz_user.so
LoadModule authn_core_module $mods/mod_authn_core.so
LoadModule authn_file_module $mods/mod_authn_file.so
LoadModule auth_basic_module $mods/mod_auth_basic.so
LoadModule dav_module $mods/mod_dav.so
LoadModule dav_fs_module $mods/mod_dav_fs.so
StartServers 1
ServerLimit 1
ThreadsPerChild 32
MinSpareThreads 1
MaxSpareThreads 32
MaxRequestWorkers 32
KeepAlive On
MaxKeepAliveRequests 0
KeepAliveTimeout 30
DavLockDB "$dir/lock/DAVLock"
DocumentRoot "$dir/data"
<Directory "$dir/data">
  Dav On
  AuthType Basic
  AuthName bench
  AuthBasicProvider file
  AuthUserFile "$dir/htpasswd"
  Require valid-user
</Directory>
EOF
  "${srv_pin[@]}" apache2 -f "$dir/httpd.conf" -DFOREGROUND >"$dir/stdout.log" 2>&1 &
  pid=$!
  base=http://127.0.0.1:$1/
  version=$(apache2 -v | sed -n 's|^Server version: Apache/\([^ ]*\).*|apache \1 mod_dav_fs|p')
}

start_dufs() { # port
  [ -x "$dufs_bin" ] || { why="not installed (cargo install failed: bench/out/dav/dufs-install.log)"; return 1; }
  mkdir -p "$out/dufs/data"
  "${srv_pin[@]}" "$dufs_bin" "$out/dufs/data" -b 127.0.0.1 -p "$1" -A -a "$user:$BENCH_PASSWORD@/:rw" \
    >"$out/dufs/server.log" 2>&1 &
  pid=$!
  base=http://127.0.0.1:$1/
  version=$("$dufs_bin" --version)
}

# ---- runs ----------------------------------------------------------------------------------
for server in $servers; do
  wait_quiet
  note "$server (load average $(loadavg))"
  mkdir -p "$out/$server"
  port=$(free_port) why= base= version=
  if ! "start_$server" "$port"; then
    note "$server skipped: $why"
    record_note "$server" start "$why"
    continue
  fi
  code=$(wait_dav "$base")
  if [ "$code" != 207 ]; then
    why="PROPFIND Depth 0 of $base answered HTTP $code"
    kill -0 "$pid" 2>/dev/null || why="server exited (see bench/out/dav/$server/)"
    note "$server skipped: $why"
    record_note "$server" start "$why"
    stop_server
    continue
  fi
  record "$server" "{\"workload\":\"server\",\"version\":\"$version\",\"pinned\":$pin,\"load_before\":$(loadavg)}"
  run_loadgen "$server" "$base" fill --dir "w3/d$w3_files" --count "$w3_files" --size 1024 --concurrency 8
  run_loadgen "$server" "$base" propfind --dir "w3/d$w3_files" --runs "$w3_runs" --warmup 2
  run_loadgen "$server" "$base" put --dir w1 --count "$w1_count" --size 4096 --concurrency "$w1_conc" \
    --warmup 100 --rounds "$w1_rounds"
  rss=0   # peak RSS (VmHWM) of the server process plus its children (Apache's worker)
  for p in $pid $(pgrep -P "$pid" || true); do
    rss=$((rss + $(awk '/VmHWM/{print $2}' "/proc/$p/status" 2>/dev/null || echo 0)))
  done
  record "$server" "{\"workload\":\"done\",\"load_after\":$(loadavg),\"peak_rss_kib\":${rss:-0}}"
  stop_server
done

# ---- table ---------------------------------------------------------------------------------
python3 - "$results" "$w3_files" "$w1_count" "$w1_conc" "$w1_rounds" <<'PY'
import json, sys
path, w3_files, w1_count, w1_conc, w1_rounds = sys.argv[1:]
rows = {}
for line in open(path):
    d = json.loads(line)
    rows.setdefault(d["server"], {})[d["workload"]] = d
def f(v, fmt="{:.1f}"):
    return "—" if v is None else fmt.format(v)
print(f"\nW3: PROPFIND Depth 1 of {w3_files} files (Nextcloud props); W1: {w1_count} PUTs of 4 KiB "
      f"at c={w1_conc}, {w1_rounds} round(s)")
hdr = ("server", "version", "W3 entries", "W3 KiB", "W3 med ms", "W3 p95 ms", "W3 ttfb ms",
       "W1 req/s", "W1 p50 ms", "W1 p99 ms", "W1 err", "fill req/s", "peak RSS MiB")
table = [hdr]
notes = []
for server, r in rows.items():
    if "start" in r:
        notes.append(f"{server}: not run: {r['start']['error']}")
        continue
    s, w3, w1, fl, dn = (r.get(k, {}) for k in ("server", "propfind", "put", "fill", "done"))
    for name, d in (("fill", fl), ("W3", w3), ("W1", w1)):
        if "error" in d:
            notes.append(f"{server} {name}: {d['error']}" + (f" ({d['first_error']})" if "first_error" in d else ""))
    rss = dn.get("peak_rss_kib") or None
    table.append((server, s.get("version", "?"), f(w3.get("entries"), "{}"),
                  f(w3["bytes"] / 1024 if "bytes" in w3 else None, "{:.0f}"),
                  f(w3.get("median_ms")), f(w3.get("p95_ms")), f(w3.get("ttfb_median_ms")),
                  f(w1.get("rps"), "{:.0f}"), f(w1.get("p50_ms"), "{:.2f}"), f(w1.get("p99_ms"), "{:.2f}"),
                  f(w1.get("errors"), "{}"), f(fl.get("rps"), "{:.0f}"),
                  f(rss / 1024 if rss else None)))
    notes.append(f"{server}: load {s.get('load_before')} → {dn.get('load_after')}, pinned={s.get('pinned')}")
widths = [max(len(str(row[i])) for row in table) for i in range(len(hdr))]
for row in table:
    print("  ".join(str(c).rjust(w) if i > 1 else str(c).ljust(w) for i, (c, w) in enumerate(zip(row, widths))))
for n in notes:
    print("  - " + n)
print(f"\nraw results: {path}")
PY
