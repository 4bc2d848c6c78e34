#!/usr/bin/env bash
# A throwaway replicated ClickHouse cluster on 127.0.0.1, for the cluster test
# suite: one ZooKeeper (standalone) and two ClickHouse servers (Debian's
# clickhouse-server, as scripts/clickhouse-server.sh starts them), each with
# its own data directory and free ports, forming the cluster `klimatrapport`
# of one shard with two replicas (macros {shard}=01, {replica}=r1/r2).
#
#   scripts/cluster.sh start DIR   starts what is not running (a replica that
#                                  was stopped or killed comes back on its
#                                  data) and prints a DSN naming both replicas
#   scripts/cluster.sh stop DIR    stops, by pid, what start started
#
# In DIR: dsn (both replicas, in order: clickhouse-go falls over to the second
# when the first is down), r1/ and r2/ (each with dsn, port, pid, log/), zk/
# (pid, port, log). The servers and ZooKeeper never hold the caller's stdout.
set -euo pipefail
cmd=${1:?usage: cluster.sh start|stop DIR}
dir=${2:?usage: cluster.sh start|stop DIR}
here=$(cd "$(dirname "$0")" && pwd)

# install installs Debian packages that are missing, when it may (root with
# apt-get); otherwise it says what to install.
install() {
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing $*" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null ||
      { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null; }
  else
    echo "missing: install $* (apt-get install $*)" >&2; exit 1
  fi
}

alive() { [ -f "$1/pid" ] && kill -0 "$(cat "$1/pid")" 2>/dev/null; }

stop() {
  local d pid
  for d in "$dir/r1" "$dir/r2" "$dir/zk"; do
    alive "$d" || continue
    pid=$(cat "$d/pid"); kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
}

# start_zk starts ZooKeeper standalone on its own data dir and port, the
# admin server off, and waits until it answers ruok.
start_zk() {
  local zk=$dir/zk port
  alive "$zk" && return 0
  if [ ! -f "$zk/zoo.cfg" ]; then
    mkdir -p "$zk/data" "$zk/log"
    port=$("$here/free-port.sh"); echo "$port" >"$zk/port"
    cat >"$zk/zoo.cfg" <<CFG
tickTime=500
dataDir=$zk/data
clientPort=$port
clientPortAddress=127.0.0.1
admin.enableServer=false
4lw.commands.whitelist=ruok
CFG
  fi
  port=$(cat "$zk/port")
  local java; java=$(command -v java || echo /usr/bin/java)
  nohup "$java" -Dzookeeper.log.dir="$zk/log" -cp /usr/share/java/zookeeper.jar \
    org.apache.zookeeper.server.ZooKeeperServerMain "$zk/zoo.cfg" </dev/null >"$zk/log/stdout.log" 2>&1 &
  echo $! >"$zk/pid"
  for _ in $(seq 1 150); do
    if [ "$( (exec 3<>"/dev/tcp/127.0.0.1/$port" && echo ruok >&3 && cat <&3) 2>/dev/null)" = imok ]; then return 0; fi
    sleep 0.2
  done
  echo "zookeeper did not start; see $zk/log" >&2; tail -20 "$zk/log/stdout.log" >&2 || true; exit 1
}

# configure writes each replica's config.d once: the cluster, its macros,
# ZooKeeper, the ON CLUSTER DDL queue and where the other replica fetches
# parts from.
configure() {
  [ -f "$dir/ports" ] && return 0
  local p1 p2 i1 i2 n port inter
  p1=$("$here/free-port.sh"); p2=$("$here/free-port.sh"); i1=$("$here/free-port.sh"); i2=$("$here/free-port.sh")
  for n in 1 2; do
    if [ $n = 1 ]; then port=$p1 inter=$i1; else port=$p2 inter=$i2; fi
    mkdir -p "$dir/conf$n"
    cat >"$dir/conf$n/cluster.xml" <<XML
<yandex>
    <remote_servers>
        <klimatrapport>
            <shard>
                <internal_replication>true</internal_replication>
                <replica><host>127.0.0.1</host><port>$p1</port></replica>
                <replica><host>127.0.0.1</host><port>$p2</port></replica>
            </shard>
        </klimatrapport>
    </remote_servers>
    <zookeeper>
        <node><host>127.0.0.1</host><port>$(cat "$dir/zk/port")</port></node>
        <session_timeout_ms>6000</session_timeout_ms>
    </zookeeper>
    <distributed_ddl><path>/clickhouse/task_queue/ddl</path></distributed_ddl>
    <macros><shard>01</shard><replica>r$n</replica></macros>
    <interserver_http_host>127.0.0.1</interserver_http_host>
    <interserver_http_port>$inter</interserver_http_port>
</yandex>
XML
  done
  echo "$p1 $p2" >"$dir/ports"
}

start() {
  [ -f /usr/share/java/zookeeper.jar ] || install zookeeper
  command -v clickhouse-server >/dev/null || [ -x /usr/sbin/clickhouse-server ] || install clickhouse-server clickhouse-client
  mkdir -p "$dir"
  start_zk
  configure
  local ports n; read -r -a ports <"$dir/ports"
  for n in 1 2; do
    CLICKHOUSE_TCP_PORT=${ports[$((n - 1))]} CLICKHOUSE_CONFIG_D=$dir/conf$n \
      "$here/clickhouse-server.sh" "$dir/r$n" >/dev/null
  done
  echo "clickhouse://default:@127.0.0.1:${ports[0]},127.0.0.1:${ports[1]}/default?connection_open_strategy=in_order" >"$dir/dsn"
  cat "$dir/dsn"
}

case $cmd in
  start) start ;;
  stop) stop ;;
  *) echo "usage: cluster.sh start|stop DIR" >&2; exit 2 ;;
esac
