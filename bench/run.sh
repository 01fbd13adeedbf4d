#!/usr/bin/env bash
# W2 + W7 from the benchmark plan: upload and download MB/s of one large file through the
# FileAgo API, and the server's idle and peak RSS. Not a test: it prints figures.
#
#   bench/run.sh [SIZE_MIB]        (default 1024)
#
# Needs curl and python3. Uses loopback only; everything lives under bench/out/.
set -euo pipefail
cd "$(dirname "$0")/.."
size_mib=${1:-1024}
out=bench/out
data=$out/data
rm -rf "$data" && mkdir -p "$out"

cargo build --release -q
port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
base=http://127.0.0.1:$port
password='Bench-Passw0rd'

FERRY_DATA_DIR=$data FERRY_LISTEN=127.0.0.1:$port FERRY_ADMIN_PASSWORD=$password FERRY_LOG=warn \
  target/release/ferry serve >"$out/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 200); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.05; done
sleep 1
idle_kb=$(awk '/VmRSS/{print $2}' /proc/$pid/status)

fixture=$out/fixture-${size_mib}m.bin
if [ ! -f "$fixture" ] || [ "$(stat -c %s "$fixture")" -ne $((size_mib * 1024 * 1024)) ]; then
  head -c $((size_mib * 1024 * 1024)) /dev/urandom >"$fixture"
fi
cat "$fixture" >/dev/null   # source in the page cache

json() { python3 -c "import json,sys;print(json.load(sys.stdin)$1)"; }
login=$(curl -s -X POST "$base/auth" -d "{\"username\":\"admin\",\"password\":\"$password\"}")
token=$(echo "$login" | json '["token"]')
key=$(echo "$login" | json '["fileaccesskey"]')

upload_token=$(curl -s "$base/api/nodes/home/upload" -H "Authorization: Bearer $token" | json '["token"]')
up=$(curl -s -o "$out/upload.json" -w '%{http_code} %{time_total} %{speed_upload}' \
  -F "file=@$fixture;filename=big.bin" "$base/upload/$upload_token")
read -r up_code up_time up_speed <<<"$up"
uuid=$(curl -s "$base/api/nodes/home/dirlist" -H "Authorization: Bearer $token" | json '["data"][0]["uuid"]')
down=$(curl -s -o /dev/null -w '%{http_code} %{time_total} %{speed_download}' \
  "$base/resources/auth/download/$key/$uuid/999999999999999/big.bin")
read -r down_code down_time down_speed <<<"$down"
peak_kb=$(awk '/VmHWM/{print $2}' /proc/$pid/status)

python3 - "$size_mib" "$up_code" "$up_time" "$up_speed" "$down_code" "$down_time" "$down_speed" "$idle_kb" "$peak_kb" <<'PY'
import sys
size, uc, ut, us, dc, dt, ds, idle, peak = sys.argv[1:]
mb = 1e6
print(f"file size          {size} MiB")
print(f"upload   (HTTP {uc}) {float(ut):7.2f} s  {float(us)/mb:8.1f} MB/s  (multipart, SHA-256 + fsync inline)")
print(f"download (HTTP {dc}) {float(dt):7.2f} s  {float(ds)/mb:8.1f} MB/s")
print(f"server RSS idle    {int(idle)/1024:7.1f} MiB")
print(f"server RSS peak    {int(peak)/1024:7.1f} MiB")
PY
