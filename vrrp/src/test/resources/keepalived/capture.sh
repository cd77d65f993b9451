#!/usr/bin/env bash
# Captures real keepalived 2.2.7 advertisements in two host network namespaces created here.
set -euo pipefail
W=/tmp/sbv-cap
cleanup() { ip netns del sbvka 2>/dev/null || true; ip netns del sbvcap 2>/dev/null || true; }
trap cleanup EXIT
cleanup
ip netns add sbvka; ip netns add sbvcap
ip link add sbvk0 netns sbvka type veth peer name sbvc0 netns sbvcap
for n in sbvka sbvcap; do ip -n $n link set lo up; done
ip -n sbvka link set sbvk0 name eth0; ip -n sbvcap link set sbvc0 name eth0
ip -n sbvka addr add 192.168.77.2/24 dev eth0; ip -n sbvcap addr add 192.168.77.9/24 dev eth0
ip -n sbvka addr add fd77::2/64 dev eth0 nodad
ip -n sbvka link set eth0 address 02:00:00:77:00:02; ip -n sbvcap link set eth0 address 02:00:00:77:00:09
ip -n sbvka link set eth0 up; ip -n sbvcap link set eth0 up
sleep 2
run() { # name version family vips
  local name=$1 ver=$2 fam=$3 vip=$4
  cat > $W/$name.conf <<EOC
global_defs { router_id sbvcap }
vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 51
  priority 100
  advert_int 1
  version $ver
  virtual_ipaddress {
$vip
  }
}
EOC
  ip netns exec sbvcap tcpdump -i eth0 -U -w $W/$name.pcap "(ip proto 112) or (ip6 and ip6[6]==112)" 2>/dev/null &
  local tpid=$!
  sleep 1
  ip netns exec sbvka keepalived -n -l -D -f $W/$name.conf -p $W/ka.pid -r $W/vrrp.pid > $W/$name.log 2>&1 &
  local kpid=$!
  sleep 8
  kill $kpid; wait $kpid || true
  sleep 1
  kill $tpid; wait $tpid || true
}
run v3-ipv4 3 inet "    192.168.77.254/24
    192.168.77.253/24"
run v2-ipv4 2 inet "    192.168.77.254/24"
run v3-ipv6 3 inet6 "    fd77::254/64"
for f in v3-ipv4 v2-ipv4 v3-ipv6; do
  tshark -r $W/$f.pcap -T fields -e frame.number -e ip.ttl -e ipv6.hlim -e vrrp.prio -e vrrp.checksum.status 2>/dev/null
done
