#!/usr/bin/env bash
# Measures authenticated REGISTERs per second and OPTIONS per second for
# Switchboard and, in the same run, for Kamailio configured as an equivalent
# in-memory registrar. SIPp drives both at rising fixed rates; a step is clean
# when every transaction succeeds with no retransmission. Loopback only: the
# script runs itself inside a network namespace that holds nothing else.
#
#   bench/sip/run.sh [seconds-per-step]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)

if [ "${BENCH_IN_NETNS:-}" != 1 ]; then
  export BENCH_IN_NETNS=1
  exec unshare --net -- bash -c 'ip link set lo up && exec "$0" "$@"' "$0" "$@"
fi

step_seconds=${1:-8}
users=1000
work=$(mktemp -d)
stop_all() {
  # The setup script starts Switchboard in its own process: stop it by PID.
  [ -f "$work/switchboard.pid" ] && kill "$(cat "$work/switchboard.pid")" 2>/dev/null
  kill $(jobs -p) 2>/dev/null
  sleep 0.5
  rm -rf "$work"
}
trap stop_all EXIT

write_users() {
  { echo 'event_route[htable:mod-init] {'
    for i in $(seq 1000 $((1000 + users - 1))); do echo "  \$sht(users=>u$i) = \"pw-$i\";"; done
    echo '}'; } > "$work/kamailio-users.cfg"
  { echo SEQUENTIAL
    for i in $(seq 1000 $((1000 + users - 1))); do
      echo "u$i;[authentication username=u$i password=pw-$i]"
    done; } > "$work/users.csv"
}

start_kamailio() {
  sed "s|BENCH_KAMAILIO_PORT|5090|g; s|BENCH_USERS_FILE|$work/kamailio-users.cfg|" \
    "$here/kamailio.cfg" > "$work/kamailio.cfg"
  kamailio -f "$work/kamailio.cfg" -m 1024 -n 4 -DD -E > "$work/kamailio.log" 2>&1 &
  sleep 2
}

start_switchboard() {
  "$here/switchboard-bench-setup" "$work" "$users" 5070
}

# measure PORT SCENARIO RATE -> "successful failed retransmissions rate_achieved"
measure() {
  local port=$1 scenario=$2 rate=$3 stat="$work/stat-$RANDOM.csv"
  local calls=$((rate * step_seconds)) inf=()
  [ "$scenario" = register-digest ] && inf=(-inf "$work/users.csv")
  (cd "$work" && timeout -k 3 $((step_seconds * 3 + 10)) sipp "127.0.0.1:$port" \
    -sf "$here/$scenario.xml" "${inf[@]}" -i 127.0.0.1 -p 0 -m "$calls" -r "$rate" \
    -l $((rate * 4)) -buff_size 4194304 -nostdin -trace_stat -stf "$stat" \
    -timeout $((step_seconds * 3)) >/dev/null 2>&1) || true
  tail -n 1 "$stat" | awk -F';' '{
    split($5, t, ":"); secs = t[1] * 3600 + t[2] * 60 + t[3];
    if (secs <= 0) secs = 1;
    printf "%d %d %d %.0f\n", $16, $18, $58, $16 / secs }'
}

# sweep NAME PORT SCENARIO RATES... -> prints each step and the best clean rate
sweep() {
  local name=$1 port=$2 scenario=$3; shift 3
  local best=0
  for rate in "$@"; do
    read -r ok failed retrans achieved < <(measure "$port" "$scenario" "$rate")
    echo "$name $scenario offered=$rate/s ok=$ok failed=$failed retrans=$retrans achieved=$achieved/s"
    if [ "$failed" = 0 ] && [ "$retrans" = 0 ] && [ "$ok" -gt 0 ]; then best=$achieved; else break; fi
  done
  echo "RESULT $name $scenario clean=$best/s"
}

write_users
start_kamailio
start_switchboard

rates=(1000 2000 3000 4000 5000 6000 8000 10000)
for scenario in register-digest options; do
  sweep kamailio 5090 "$scenario" "${rates[@]}"
  sweep switchboard 5070 "$scenario" "${rates[@]}"
done
