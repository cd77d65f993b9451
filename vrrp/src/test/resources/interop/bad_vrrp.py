# Sends malformed or unauthorised VRRPv3 IPv4 advertisements for ThreeRoutersTest (run inside the
# injector namespace of the UML lab). Every packet claims priority 255 for VRID 51 and the lab's VIP,
# so any one accepted would take mastership: the routers must drop each and count it by its reason.
#   python3 bad_vrrp.py multicast          -> 224.0.0.18: ttl, checksum, version, vrid, zero addresses, truncated, oversized
#   python3 bad_vrrp.py unicast DST...     -> a valid advertisement to each DST from a source outside the peer list
import socket
import struct
import sys

VIP = socket.inet_aton("192.168.77.254")
IP_MTU_DISCOVER = getattr(socket, "IP_MTU_DISCOVER", 10)
SO_BINDTODEVICE = getattr(socket, "SO_BINDTODEVICE", 25)


def checksum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def advert(version=3, vrid=51, priority=255, addresses=(VIP,), tail=b""):
    if version == 3:  # 50 cs interval; RFC 9568 message-only checksum (accepted for v3 IPv4)
        head = bytes([0x31, vrid, priority, len(addresses), 0, 50, 0, 0])
        body = b"".join(addresses) + tail
    else:  # a complete v2 advertisement: auth type 0, 1 s, 8 bytes of authentication data
        head = bytes([0x21, vrid, priority, len(addresses), 0, 1, 0, 0])
        body = b"".join(addresses) + bytes(8) + tail
    m = head + body
    c = checksum(m)
    return m[:6] + struct.pack("!H", c) + m[8:]


def corrupt_checksum(m):
    return m[:6] + bytes([m[6] ^ 0xFF, m[7] ^ 0x01]) + m[8:]


def main():
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 112)
    s.setsockopt(socket.SOL_SOCKET, SO_BINDTODEVICE, b"eth0\0")
    s.setsockopt(socket.IPPROTO_IP, IP_MTU_DISCOVER, 0)  # let the kernel fragment the oversized one
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 0)

    def send(name, message, destination, ttl=255):
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, ttl)
        s.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, ttl)
        s.sendto(message, (destination, 0))
        print("INJECT %s %d bytes ttl %d to %s" % (name, len(message), ttl, destination), flush=True)

    if sys.argv[1] == "multicast":
        group = "224.0.0.18"
        send("ttl", advert(), group, ttl=254)
        send("checksum", corrupt_checksum(advert()), group)
        send("version", advert(version=2), group)
        send("vrid", advert(vrid=52), group)
        send("zero_addresses", advert(addresses=()), group)
        send("truncated", advert()[:8], group)  # announces one address, carries none
        send("oversized", advert(tail=bytes(3000 - 12)), group)  # 3000 bytes: two IP fragments
    elif sys.argv[1] == "unicast":
        for destination in sys.argv[2:]:
            send("rogue_peer", advert(), destination)
    else:
        raise SystemExit("usage: bad_vrrp.py multicast | unicast DST...")


main()
