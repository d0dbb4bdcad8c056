package lvs.io.xdp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Assembles eBPF instructions (the kernel's {@code struct bpf_insn}, 8 bytes each) so that lvsd can
 * load its XDP program without clang, libbpf or an object file. Only what the steering program needs
 * is here: 64-bit ALU, packet/stack loads and stores, conditional jumps to named labels, helper calls,
 * and 64-bit immediates carrying a map's file descriptor.
 *
 * <p>Encoding (Documentation/bpf/standardization/instruction-set.rst), one little-endian word:
 * <pre>
 *   bits 0-7   opcode = operation | source (K: immediate, X: register) | class
 *   bits 8-11  dst_reg        bits 12-15  src_reg
 *   bits 16-31 off (signed)   bits 32-63  imm (signed)
 * </pre>
 * A jump's {@code off} counts instructions after the jump; labels are resolved by {@link #words()}.
 */
public final class BpfAssembler {
    // instruction classes
    static final int LD = 0x00, LDX = 0x01, ST = 0x02, STX = 0x03, ALU = 0x04, JMP = 0x05, ALU64 = 0x07;
    // memory access sizes and modes
    static final int W = 0x00, H = 0x08, B = 0x10, DW = 0x18, IMM = 0x00, MEM = 0x60;
    // ALU operations
    static final int ADD = 0x00, SUB = 0x10, OR = 0x40, AND = 0x50, LSH = 0x60, RSH = 0x70, MOV = 0xb0, END = 0xd0;
    // jump operations
    static final int JA = 0x00, JEQ = 0x10, JGT = 0x20, JNE = 0x50, CALL = 0x80, EXIT = 0x90;
    // operand source
    static final int K = 0x00, X = 0x08;
    /** BPF_END direction "to big endian": swaps bytes on this little-endian machine. */
    static final int TO_BE = 0x08;
    /** src_reg of an {@code ld_imm64} whose immediate is a map file descriptor. */
    static final int PSEUDO_MAP_FD = 1;

    /** Registers: R0 return value, R1-R5 arguments (clobbered by calls), R6-R9 kept, R10 frame pointer. */
    public static final int R0 = 0, R1 = 1, R2 = 2, R3 = 3, R4 = 4, R5 = 5, R6 = 6, R7 = 7, R8 = 8, R9 = 9, R10 = 10;

    private final List<Long> words = new ArrayList<>();
    private final Map<String, Integer> labels = new HashMap<>();
    /** instruction index → label it jumps to, patched in {@link #words()} */
    private final Map<Integer, String> fixups = new HashMap<>();

    /** Encodes one instruction word. */
    static long encode(int opcode, int dst, int src, int offset, int imm) {
        if (dst < 0 || dst > 10 || src < 0 || src > 10) {
            throw new IllegalArgumentException("no register r" + dst + "/r" + src);
        }
        if (offset < Short.MIN_VALUE || offset > Short.MAX_VALUE) {
            throw new IllegalArgumentException("offset out of range: " + offset);
        }
        return (opcode & 0xFFL) | (long) dst << 8 | (long) src << 12 | (offset & 0xFFFFL) << 16
            | (imm & 0xFFFF_FFFFL) << 32;
    }

    private BpfAssembler emit(int opcode, int dst, int src, int offset, int imm) {
        words.add(encode(opcode, dst, src, offset, imm));
        return this;
    }

    /** {@code dst = src} (64 bits). */
    public BpfAssembler mov(int dst, int src) {
        return emit(ALU64 | MOV | X, dst, src, 0, 0);
    }

    /** {@code dst = imm} (sign-extended to 64 bits). */
    public BpfAssembler movImm(int dst, int imm) {
        return emit(ALU64 | MOV | K, dst, 0, 0, imm);
    }

    public BpfAssembler add(int dst, int src) {
        return emit(ALU64 | ADD | X, dst, src, 0, 0);
    }

    public BpfAssembler addImm(int dst, int imm) {
        return emit(ALU64 | ADD | K, dst, 0, 0, imm);
    }

    public BpfAssembler andImm(int dst, int imm) {
        return emit(ALU64 | AND | K, dst, 0, 0, imm);
    }

    public BpfAssembler lshImm(int dst, int bits) {
        return emit(ALU64 | LSH | K, dst, 0, 0, bits);
    }

    public BpfAssembler rshImm(int dst, int bits) {
        return emit(ALU64 | RSH | K, dst, 0, 0, bits);
    }

    /** Byte-swaps the low 16 bits of {@code dst} (network ↔ host order here) and clears the rest. */
    public BpfAssembler swap16(int dst) {
        return emit(ALU | END | TO_BE, dst, 0, 0, 16);
    }

    /** {@code dst = *(u32 *)(src + offset)}, zero-extended. */
    public BpfAssembler loadWord(int dst, int src, int offset) {
        return emit(LDX | MEM | W, dst, src, offset, 0);
    }

    /** {@code dst = *(u16 *)(src + offset)}: in memory (network) byte order, read little-endian. */
    public BpfAssembler loadHalf(int dst, int src, int offset) {
        return emit(LDX | MEM | H, dst, src, offset, 0);
    }

    public BpfAssembler loadByte(int dst, int src, int offset) {
        return emit(LDX | MEM | B, dst, src, offset, 0);
    }

    public BpfAssembler storeWord(int dst, int offset, int src) {
        return emit(STX | MEM | W, dst, src, offset, 0);
    }

    public BpfAssembler storeHalf(int dst, int offset, int src) {
        return emit(STX | MEM | H, dst, src, offset, 0);
    }

    public BpfAssembler storeByte(int dst, int offset, int src) {
        return emit(STX | MEM | B, dst, src, offset, 0);
    }

    public BpfAssembler storeByteImm(int dst, int offset, int imm) {
        return emit(ST | MEM | B, dst, 0, offset, imm);
    }

    public BpfAssembler storeHalfImm(int dst, int offset, int imm) {
        return emit(ST | MEM | H, dst, 0, offset, imm);
    }

    public BpfAssembler storeDoubleImm(int dst, int offset, int imm) {
        return emit(ST | MEM | DW, dst, 0, offset, imm);
    }

    /** {@code dst = map} : the two-word {@code ld_imm64} the verifier turns into the map's address. */
    public BpfAssembler loadMapFd(int dst, int mapFd) {
        emit(LD | DW | IMM, dst, PSEUDO_MAP_FD, 0, mapFd);
        return emit(0, 0, 0, 0, 0);
    }

    public BpfAssembler jump(String label) {
        return jumpTo(JMP | JA | K, 0, 0, 0, label);
    }

    public BpfAssembler jumpIfEqualImm(int dst, int imm, String label) {
        return jumpTo(JMP | JEQ | K, dst, 0, imm, label);
    }

    public BpfAssembler jumpIfNotEqualImm(int dst, int imm, String label) {
        return jumpTo(JMP | JNE | K, dst, 0, imm, label);
    }

    /** {@code if dst == src goto label} */
    public BpfAssembler jumpIfEqual(int dst, int src, String label) {
        return jumpTo(JMP | JEQ | X, dst, src, 0, label);
    }

    /** {@code if dst > src goto label} (unsigned): the packet bounds check against data_end. */
    public BpfAssembler jumpIfGreater(int dst, int src, String label) {
        return jumpTo(JMP | JGT | X, dst, src, 0, label);
    }

    private BpfAssembler jumpTo(int opcode, int dst, int src, int imm, String label) {
        fixups.put(words.size(), label);
        return emit(opcode, dst, src, 0, imm);
    }

    /** Calls kernel helper number {@code helper}; arguments in R1-R5, result in R0. */
    public BpfAssembler call(int helper) {
        return emit(JMP | CALL, 0, 0, 0, helper);
    }

    public BpfAssembler exit() {
        return emit(JMP | EXIT, 0, 0, 0, 0);
    }

    /** Names the position of the next instruction. */
    public BpfAssembler label(String name) {
        if (labels.putIfAbsent(name, words.size()) != null) {
            throw new IllegalStateException("label defined twice: " + name);
        }
        return this;
    }

    /** Number of instruction words so far. */
    public int size() {
        return words.size();
    }

    /** The program, every jump resolved; fails on a label that was never defined. */
    public long[] words() {
        long[] out = new long[words.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = words.get(i);
        }
        for (Map.Entry<Integer, String> f : fixups.entrySet()) {
            Integer target = labels.get(f.getValue());
            if (target == null) {
                throw new IllegalStateException("undefined label: " + f.getValue());
            }
            int at = f.getKey();
            int offset = target - (at + 1);
            long w = out[at];
            out[at] = (w & ~(0xFFFFL << 16)) | (offset & 0xFFFFL) << 16;
        }
        return out;
    }
}
