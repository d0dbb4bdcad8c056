/**
 * The AF_XDP backend of {@link lvs.io.PacketIo} (opt-in, lvsd {@code --io xdp}): an XDP program,
 * assembled in Java and loaded with bpf(2), redirects the frames lvsd forwards into AF_XDP sockets;
 * the rest keeps going through the kernel and lvsd's AF_PACKET tap. No libbpf, libxdp or clang: the
 * bytecode comes from {@link lvs.io.xdp.BpfAssembler}, the syscalls go through jnr-ffi.
 * See docs/packet-io.md.
 */
package lvs.io.xdp;
