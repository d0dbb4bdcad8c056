#!/usr/bin/env python3
"""Independent reference for the hashing schedulers (sh, dh, mh), written from the formulas in
shared/reference/kernel-ipvs.md sections 4.7-4.11 and NOT from the Java code.

It prints tables and picks that HashSchedulersReferenceTest compares with the Java schedulers.
Regenerate (from the repository root) with:

    python3 schedulers/src/test/scripts/hash_schedulers_reference.py \
        > schedulers/src/test/resources/lvs/sched/hash_schedulers_reference.txt

Output, one record per line:
    case NAME SCHEDULER FLAGS          start of a case (FLAGS: 0, or the SCHED1|SCHED2 bits)
    add ADDR PORT WEIGHT               a destination added (kernel list: newest first)
    weight ADDR PORT WEIGHT            an edit of a destination's weight (last_weight keeps non-zero)
    overload ADDR PORT                 the destination gets the OVERLOAD flag
    table i0 i1 ...                    lookup table as indices into the newest-first list (-1 = empty)
    pick CLIENT_ADDR CLIENT_PORT DADDR INDEX   expected select() result (-1 = none)
    perm ADDR PORT OFFSET SKIP         mh permutation start and stride of a destination
"""
import ipaddress
from math import gcd

MASK64 = (1 << 64) - 1


def rotl(x, b):
    return ((x << b) | (x >> (64 - b))) & MASK64


def siphash(c_rounds, d_rounds, k0, k1, message):
    v0 = k0 ^ 0x736F6D6570736575
    v1 = k1 ^ 0x646F72616E646F6D
    v2 = k0 ^ 0x6C7967656E657261
    v3 = k1 ^ 0x7465646279746573

    def sipround():
        nonlocal v0, v1, v2, v3
        v0 = (v0 + v1) & MASK64; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32)
        v2 = (v2 + v3) & MASK64; v3 = rotl(v3, 16); v3 ^= v2
        v0 = (v0 + v3) & MASK64; v3 = rotl(v3, 21); v3 ^= v0
        v2 = (v2 + v1) & MASK64; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32)

    full = len(message) - len(message) % 8
    blocks = [int.from_bytes(message[i:i + 8], 'little') for i in range(0, full, 8)]
    last = (len(message) & 0xFF) << 56 | int.from_bytes(message[full:], 'little')
    for m in blocks + [last]:
        v3 ^= m
        for _ in range(c_rounds):
            sipround()
        v0 ^= m
    v2 ^= 0xFF
    for _ in range(d_rounds):
        sipround()
    return v0 ^ v1 ^ v2 ^ v3


# Self-check against the SipHash paper's test vector (SipHash-2-4, key 00..0f, message 00..0e).
_key = bytes(range(16))
assert siphash(2, 4, int.from_bytes(_key[:8], 'little'), int.from_bytes(_key[8:], 'little'),
               bytes(range(15))) == 0xA129CA6149BE45E5


def kernel_hsiphash_u32(value, key):
    """64-bit kernel hsiphash(): SipHash-1-3, k0 = k1 = key, low 32 bits, message = 4 LE bytes."""
    return siphash(1, 3, key, key, (value & 0xFFFFFFFF).to_bytes(4, 'little')) & 0xFFFFFFFF


def hash_32(value, bits):
    return ((value * 0x61C88647) & 0xFFFFFFFF) >> (32 - bits)


def fold(addr):
    ip = ipaddress.ip_address(addr)
    if ip.version == 4:
        return int(ip)
    raw = ip.packed
    words = [int.from_bytes(raw[i:i + 4], 'big') for i in range(0, 16, 4)]
    return words[0] ^ words[1] ^ words[2] ^ words[3]


SCHED1, SCHED2 = 0x8, 0x10


class Dest:
    def __init__(self, addr, port, weight):
        self.addr, self.port, self.weight, self.last_weight = addr, port, weight, weight
        self.overloaded = False

    def unavailable(self):
        return self.weight <= 0 or self.overloaded


# ---- dh (4.9): bucket i = i-th dest of a cyclic walk, 256 buckets keyed by hash_32(fold(daddr), 8)
def dh_table(dests):
    return [i % len(dests) if dests else -1 for i in range(256)]


def dh_pick(dests, table, daddr):
    d = table[hash_32(fold(daddr), 8)]
    if d < 0 or dests[d].weight <= 0 or dests[d].overloaded:
        return -1
    return d


# ---- sh (4.10): each dest fills `weight` consecutive buckets (at least one per lap)
def sh_table(dests):
    table, d, count = [], 0, 0
    for _ in range(256):
        if not dests:
            table.append(-1)
            continue
        table.append(d)
        count += 1
        if count >= dests[d].weight:
            d, count = (d + 1) % len(dests), 0
    return table


def sh_pick(dests, table, flags, caddr, cport):
    port = cport if flags & SCHED2 else 0
    ihash = hash_32((port + fold(caddr)) & 0xFFFFFFFF, 8)
    d = table[ihash]
    if d < 0:
        return -1
    if not dests[d].unavailable():
        return d
    if not flags & SCHED1:
        return -1
    for offset in range(256):
        d = table[(offset + 2 * ihash) & 255]
        if d < 0:
            return -1
        if not dests[d].unavailable():
            return d
    return -1


# ---- mh (4.11)
M = 4093
H1, H2 = 2654435761, 2654446892


def mh_key(offset, port, addr):
    return (offset + port + fold(addr)) & 0xFFFFFFFF


def mh_perms(dests):
    return [(kernel_hsiphash_u32(mh_key(0, d.port, d.addr), H1) % M,
             kernel_hsiphash_u32(mh_key(0, d.port, d.addr), H2) % (M - 1) + 1) for d in dests]


def mh_table(dests):
    weights = [d.last_weight for d in dests if d.last_weight > 0]
    if not weights:
        return [-1] * M
    g = 0
    for w in weights:
        g = gcd(g, w)
    rshift = max(0, (max(weights) // g).bit_length() - 12 // 2)
    perms = mh_perms(dests)
    perm = [p[0] for p in perms]
    skip = [p[1] for p in perms]
    turns = []
    for d in dests:
        t = (d.last_weight // g) >> rshift
        turns.append(t if t else (1 if d.last_weight else 0))
    table, taken, filled = [-1] * M, [False] * M, 0
    while filled < M:
        for i in range(len(dests)):
            for _ in range(turns[i]):
                while taken[perm[i]]:
                    perm[i] = (perm[i] + skip[i]) % M
                taken[perm[i]] = True
                table[perm[i]] = i
                filled += 1
                if filled == M:
                    return table
    return table


def mh_pick(dests, table, flags, caddr, cport):
    port = cport if flags & SCHED2 else 0
    ihash = kernel_hsiphash_u32(mh_key(0, port, caddr), H1) % M
    d = table[ihash]
    if d < 0:
        return -1
    if not dests[d].unavailable():
        return d
    if not flags & SCHED1:
        return -1
    for offset in range(M):
        roffset = (offset + ihash) % M
        d = table[kernel_hsiphash_u32(mh_key(roffset, port, caddr), H1) % M]
        if d < 0:
            return -1
        if not dests[d].unavailable():
            return d
    return -1


CLIENTS = ['10.0.0.2', '10.0.0.5', '192.168.0.10', '198.18.3.77', '203.0.113.200', '172.31.255.254',
           '2001:db8::1', '2001:db8::abcd:5']
CLIENT_PORTS = [0, 1024, 40000, 65535]
DADDRS = ['192.168.0.11', '10.1.1.1', '198.18.0.1', '93.184.216.34', '10.0.0.2']


def emit_case(name, sched, flags, adds, edits=(), overloads=()):
    print(f'case {name} {sched} {flags}')
    dests = []
    for addr, port, weight in adds:
        print(f'add {addr} {port} {weight}')
        dests.insert(0, Dest(addr, port, weight))   # kernel list: newest first
    by_key = {(d.addr, d.port): d for d in dests}
    tables = {'dh': dh_table, 'sh': sh_table, 'mh': mh_table}
    table = tables[sched](dests)        # built after the adds...
    for addr, port, weight in edits:
        print(f'weight {addr} {port} {weight}')
        d = by_key[(addr, port)]
        d.weight = weight
        if weight != 0:
            d.last_weight = weight
        if sched != 'dh':               # ...and rebuilt on edits (dh has no upd_dest)
            table = tables[sched](dests)
    for addr, port in overloads:
        print(f'overload {addr} {port}')
        by_key[(addr, port)].overloaded = True
    if sched == 'mh':
        for d, (off, skp) in zip(dests, mh_perms(dests)):
            print(f'perm {d.addr} {d.port} {off} {skp}')
    print('table ' + ' '.join(str(i) for i in table))
    for caddr in CLIENTS:
        for cport in CLIENT_PORTS:
            for daddr in DADDRS:
                if sched == 'dh':
                    pick = dh_pick(dests, table, daddr)
                elif sched == 'sh':
                    pick = sh_pick(dests, table, flags, caddr, cport)
                else:
                    pick = mh_pick(dests, table, flags, caddr, cport)
                print(f'pick {caddr} {cport} {daddr} {pick}')


def main():
    print('# generated by schedulers/src/test/scripts/hash_schedulers_reference.py; do not edit')
    web = [('192.168.1.12', 80, 1), ('192.168.1.13', 80, 2)]
    three = [('172.16.0.2', 8080, 1), ('172.16.0.3', 8080, 2), ('172.16.0.4', 8080, 3)]
    v6 = [('2001:db8:1::10', 443, 1), ('2001:db8:1::11', 443, 1), ('2001:db8:1::12', 443, 4)]
    emit_case('dh-two', 'dh', 0, web)
    emit_case('dh-three-quiesced', 'dh', 0, three, edits=[('172.16.0.3', 8080, 0)])
    emit_case('sh-two', 'sh', 0, web)
    emit_case('sh-three-port', 'sh', SCHED2, three)
    emit_case('sh-three-fallback', 'sh', SCHED1, three, edits=[('172.16.0.4', 8080, 0)])
    emit_case('sh-three-fallback-overload', 'sh', SCHED1 | SCHED2, three, overloads=[('172.16.0.2', 8080)])
    emit_case('mh-spec-example', 'mh', 0, [('172.16.0.2', 8080, 1), ('172.16.0.3', 8080, 1)])
    emit_case('mh-three-weighted', 'mh', 0, three)
    emit_case('mh-three-port', 'mh', SCHED2, three)
    emit_case('mh-quiesced-no-fallback', 'mh', 0, three, edits=[('172.16.0.3', 8080, 0)])
    emit_case('mh-quiesced-fallback', 'mh', SCHED1 | SCHED2, three, edits=[('172.16.0.3', 8080, 0)])
    emit_case('mh-heavy-weights', 'mh', 0, [('10.9.0.1', 80, 1000), ('10.9.0.2', 80, 30), ('10.9.0.3', 80, 7)])
    emit_case('mh-ipv6', 'mh', SCHED1, v6, overloads=[('2001:db8:1::12', 443)])


if __name__ == '__main__':
    main()
