/**
 * Keeps the director's own kernel out of the traffic lvsd forwards. AF_PACKET taps see a frame before
 * the kernel's IP stack does, but the kernel still receives it: it would answer a SYN to a local VIP
 * with a RST, or forward a NAT reply un-rewritten. {@link lvs.io.kernel.KernelGuard} installs an
 * nftables netdev-ingress table that drops exactly that traffic after the taps have seen it
 * (feasibility pitfall 2). Control path only.
 */
package lvs.io.kernel;
