/*
 * udpblast: a bounded small-packet UDP generator for benchmarks/scripts/forwarding.sh.
 * Sends prebuilt 60-byte Ethernet frames (64 on the wire: 18-byte UDP payload, valid IPv4 and UDP
 * checksums) from an AF_PACKET socket with sendmmsg in batches of 64 and PACKET_QDISC_BYPASS, the
 * "raw" generator of /work/shared/reference/feasibility.md (trafgen does not work inside a netns).
 * FLOWS source ports (SPORT, SPORT+1, ...) are used round robin so that schedulers that balance per
 * flow (lvsd, nft numgen + conntrack) spread the load.
 *
 *   udpblast IFNAME SRCMAC DSTMAC SRCIP DSTIP DPORT FLOWS SECONDS MAXPKTS [RATE_PPS]
 *
 * Stops after SECONDS or MAXPKTS packets, whichever comes first (both bounded, both required).
 * Prints "sent N in S s = R pps" on stdout. Build: cc -O2 -o udpblast udpblast.c
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64
#define FRAME 60
#ifndef PACKET_QDISC_BYPASS
#define PACKET_QDISC_BYPASS 20
#endif

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void mac(const char *s, uint8_t *out) {
    unsigned v[6];
    if (sscanf(s, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6) {
        fprintf(stderr, "bad MAC %s\n", s);
        exit(2);
    }
    for (int i = 0; i < 6; i++) out[i] = (uint8_t) v[i];
}

static uint32_t sum16(const uint8_t *p, int n, uint32_t s) {
    for (int i = 0; i + 1 < n; i += 2) s += (uint32_t) (p[i] << 8 | p[i + 1]);
    if (n & 1) s += (uint32_t) (p[n - 1] << 8);
    return s;
}

static uint16_t fold(uint32_t s) {
    while (s >> 16) s = (s & 0xffff) + (s >> 16);
    return (uint16_t) ~s;
}

int main(int argc, char **argv) {
    if (argc < 10) {
        fprintf(stderr, "usage: udpblast IFNAME SRCMAC DSTMAC SRCIP DSTIP DPORT FLOWS SECONDS MAXPKTS [RATE_PPS]\n");
        return 2;
    }
    const char *ifname = argv[1];
    uint8_t smac[6], dmac[6];
    mac(argv[2], smac);
    mac(argv[3], dmac);
    struct in_addr sip, dip;
    if (!inet_aton(argv[4], &sip) || !inet_aton(argv[5], &dip)) { fprintf(stderr, "bad IP\n"); return 2; }
    /* Only the benchmark range: 198.18.0.0/15. */
    if ((ntohl(sip.s_addr) & 0xfffe0000u) != 0xc6120000u || (ntohl(dip.s_addr) & 0xfffe0000u) != 0xc6120000u) {
        fprintf(stderr, "udpblast: addresses must be in 198.18.0.0/15\n");
        return 2;
    }
    int dport = atoi(argv[6]);
    int flows = atoi(argv[7]);
    double seconds = atof(argv[8]);
    long long maxpkts = atoll(argv[9]);
    double rate = argc > 10 ? atof(argv[10]) : 0;
    if (flows < 1 || flows > 4096 || seconds <= 0 || seconds > 120 || maxpkts <= 0) {
        fprintf(stderr, "udpblast: need 1..4096 flows, 0 < seconds <= 120, maxpkts > 0\n");
        return 2;
    }

    int fd = socket(AF_PACKET, SOCK_RAW, 0);
    if (fd < 0) { perror("socket"); return 1; }
    int one = 1;
    setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one);
    struct sockaddr_ll ll = {0};
    ll.sll_family = AF_PACKET;
    ll.sll_protocol = 0;
    ll.sll_ifindex = (int) if_nametoindex(ifname);
    if (!ll.sll_ifindex) { perror("if_nametoindex"); return 1; }
    if (bind(fd, (struct sockaddr *) &ll, sizeof ll) < 0) { perror("bind"); return 1; }

    /* One frame per flow, all checksums valid. */
    uint8_t *frames = calloc((size_t) flows, FRAME);
    for (int f = 0; f < flows; f++) {
        uint8_t *p = frames + (size_t) f * FRAME;
        memcpy(p, dmac, 6);
        memcpy(p + 6, smac, 6);
        p[12] = 0x08; p[13] = 0x00;
        uint8_t *ip = p + 14;
        ip[0] = 0x45; ip[1] = 0; ip[2] = 0; ip[3] = 46;           /* 20 + 8 + 18 */
        ip[4] = 0; ip[5] = 0; ip[6] = 0x40; ip[7] = 0;            /* DF */
        ip[8] = 64; ip[9] = 17;
        memcpy(ip + 12, &sip, 4);
        memcpy(ip + 16, &dip, 4);
        uint16_t c = fold(sum16(ip, 20, 0));
        ip[10] = (uint8_t) (c >> 8); ip[11] = (uint8_t) c;
        uint8_t *udp = ip + 20;
        int sport = 10000 + f;
        udp[0] = (uint8_t) (sport >> 8); udp[1] = (uint8_t) sport;
        udp[2] = (uint8_t) (dport >> 8); udp[3] = (uint8_t) dport;
        udp[4] = 0; udp[5] = 26;
        memcpy(udp + 8, "lvs-bench-udpblast", 18);
        uint32_t s = sum16(ip + 12, 8, 0) + 17 + 26;             /* pseudo header */
        s = sum16(udp, 26, s);
        c = fold(s);
        if (c == 0) c = 0xffff;
        udp[6] = (uint8_t) (c >> 8); udp[7] = (uint8_t) c;
    }

    struct mmsghdr msgs[BATCH];
    struct iovec iov[BATCH];
    long long sent = 0, errors = 0;
    int next = 0;
    double start = now(), end = start + seconds;
    double t = start;
    while (sent < maxpkts && t < end) {
        int n = BATCH;
        if (maxpkts - sent < n) n = (int) (maxpkts - sent);
        if (rate > 0) {
            /* pace: do not get ahead of rate * elapsed */
            double allowed = rate * (t - start) - (double) sent;
            if (allowed < 1) {
                struct timespec ts = {0, 20000};
                nanosleep(&ts, NULL);
                t = now();
                continue;
            }
            if (allowed < n) n = (int) allowed;
        }
        memset(msgs, 0, sizeof(struct mmsghdr) * (size_t) n);
        for (int i = 0; i < n; i++) {
            iov[i].iov_base = frames + (size_t) next * FRAME;
            iov[i].iov_len = FRAME;
            msgs[i].msg_hdr.msg_iov = &iov[i];
            msgs[i].msg_hdr.msg_iovlen = 1;
            if (++next == flows) next = 0;
        }
        int r = sendmmsg(fd, msgs, (unsigned) n, 0);
        if (r < 0) {
            errors++;
            if (errno != ENOBUFS && errno != EAGAIN) { perror("sendmmsg"); break; }
        } else {
            sent += r;
        }
        t = now();
    }
    double el = now() - start;
    printf("sent %lld in %.3f s = %.0f pps (errors %lld)\n", sent, el, sent / el, errors);
    return 0;
}
