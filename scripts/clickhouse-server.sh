#!/usr/bin/env bash
# Starts a throwaway ClickHouse server (Debian's clickhouse-server) on 127.0.0.1
# with its own data directory and a free TCP port, for the server test suite.
# Prints the DSN on stdout; the server's pid is in $DIR/pid. Run again on the
# directory of a stopped server, it starts that server again (same data, same
# port).
#
#   dsn=$(scripts/clickhouse-server.sh /tmp/kr-clickhouse)
#
# CLICKHOUSE_TCP_PORT, when set, is the TCP port to use; CLICKHOUSE_CONFIG_D,
# when set, is a directory whose files are copied into the server's config.d
# (scripts/cluster.sh passes the cluster, macros and ZooKeeper that way).
set -euo pipefail
dir=${1:?usage: clickhouse-server.sh DIR}
bin=$(command -v clickhouse-server || echo /usr/sbin/clickhouse-server)
[ -x "$bin" ] || { echo "clickhouse-server is not installed" >&2; exit 1; }

free_port() { "$(dirname "$0")/free-port.sh"; }

if [ -f "$dir/pid" ] && kill -0 "$(cat "$dir/pid")" 2>/dev/null; then
  cat "$dir/dsn"; exit 0
fi
if [ -f "$dir/config.xml" ] && [ -f "$dir/port" ]; then
  # A stopped server: start it again on its data and port (fault tests).
  tcp=$(cat "$dir/port")
else
rm -rf "$dir"; mkdir -p "$dir/data" "$dir/tmp" "$dir/user_files" "$dir/format_schemas" "$dir/log"
tcp=${CLICKHOUSE_TCP_PORT:-$(free_port)}; http=$(free_port); inter=$(free_port)
echo "$tcp" >"$dir/port"
src=/etc/clickhouse-server/config.xml
sed -e "s#<tcp_port>9000</tcp_port>#<tcp_port>$tcp</tcp_port>#" \
    -e "s#<http_port>8123</http_port>#<http_port>$http</http_port>#" \
    -e "s#<interserver_http_port>9009</interserver_http_port>#<interserver_http_port>$inter</interserver_http_port>#" \
    -e "s#/var/lib/clickhouse/tmp/#$dir/tmp/#" \
    -e "s#/var/lib/clickhouse/user_files/#$dir/user_files/#" \
    -e "s#/var/lib/clickhouse/format_schemas/#$dir/format_schemas/#" \
    -e "s#<path>/var/lib/clickhouse/</path>#<path>$dir/data/</path>#" \
    -e "s#/var/log/clickhouse-server/#$dir/log/#g" \
    -e "s#<listen_host>::1</listen_host>##" \
    "$src" > "$dir/config.xml"
cp /etc/clickhouse-server/users.xml "$dir/users.xml"
sed -i "s#<users_config>users.xml</users_config>#<users_config>$dir/users.xml</users_config>#" "$dir/config.xml"
if [ -n "${CLICKHOUSE_CONFIG_D:-}" ]; then mkdir -p "$dir/config.d" && cp "$CLICKHOUSE_CONFIG_D"/* "$dir/config.d/"; fi
fi
# The server must not hold this script's stdout: callers read the DSN with $(…).
cd "$dir"
nohup "$bin" --config-file="$dir/config.xml" </dev/null >"$dir/log/stdout.log" 2>&1 &
echo $! >"$dir/pid"
cd - >/dev/null
dsn="clickhouse://default:@127.0.0.1:$tcp/default"
for _ in $(seq 1 100); do
  if clickhouse-client --port "$tcp" --query "SELECT 1" >/dev/null 2>&1; then
    echo "$dsn" >"$dir/dsn"; echo "$dsn"; exit 0
  fi
  sleep 0.2
done
echo "clickhouse-server did not start; see $dir/log" >&2
tail -20 "$dir/log/"*.log >&2 || true
exit 1
