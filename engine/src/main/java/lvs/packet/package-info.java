/**
 * Packet flyweights over Agrona buffers, Internet checksums and the frame classifier.
 *
 * <p>Everything here runs on the data plane: a flyweight is wrapped over a frame in place (no copy),
 * accessors are big-endian like the wire, and nothing allocates, locks or throws for a malformed
 * frame. {@link lvs.packet.PacketParser} validates a frame once and fills one reused
 * {@link lvs.packet.FlowKey}; the verdict it returns is an int from {@link lvs.packet.ParseVerdict}
 * that callers use as an index into drop counters.
 */
package lvs.packet;
