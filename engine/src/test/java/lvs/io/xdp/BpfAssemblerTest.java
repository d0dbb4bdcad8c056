package lvs.io.xdp;

import static lvs.io.xdp.BpfAssembler.R0;
import static lvs.io.xdp.BpfAssembler.R1;
import static lvs.io.xdp.BpfAssembler.R10;
import static lvs.io.xdp.BpfAssembler.R2;
import static lvs.io.xdp.BpfAssembler.R3;
import static lvs.io.xdp.BpfAssembler.R6;
import static lvs.io.xdp.BpfAssembler.R7;
import static lvs.io.xdp.BpfAssembler.R8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * Encodings checked against the kernel's instruction-set document and the macros of
 * include/linux/filter.h (BPF_MOV64_REG is opcode 0xbf, BPF_EXIT_INSN 0x95, ...), one word per
 * instruction: opcode | dst << 8 | src << 12 | off << 16 | imm << 32 (so byte 1 is src:dst).
 */
class BpfAssemblerTest {
    private static long only(BpfAssembler a) {
        long[] w = a.words();
        assertThat(w).hasSize(1);
        return w[0];
    }

    @Test
    void aluAndMoves() {
        assertThat(only(new BpfAssembler().mov(R6, R1))).isEqualTo(0x16bfL);
        assertThat(only(new BpfAssembler().movImm(R0, 2))).isEqualTo(0x0000_0002_0000_00b7L);
        assertThat(only(new BpfAssembler().add(R3, R2))).isEqualTo(0x230fL);
        assertThat(only(new BpfAssembler().addImm(R2, -20))).isEqualTo(0xffff_ffec_0000_0207L);
        assertThat(only(new BpfAssembler().andImm(R3, 0xffff))).isEqualTo(0x0000_ffff_0000_0357L);
        assertThat(only(new BpfAssembler().lshImm(R2, 8))).isEqualTo(0x0000_0008_0000_0267L);
        assertThat(only(new BpfAssembler().rshImm(R2, 16))).isEqualTo(0x0000_0010_0000_0277L);
        assertThat(only(new BpfAssembler().swap16(R2))).as("be16 r2").isEqualTo(0x0000_0010_0000_02dcL);
    }

    @Test
    void loadsAndStores() {
        assertThat(only(new BpfAssembler().loadWord(R7, R6, 0))).isEqualTo(0x6761L);
        assertThat(only(new BpfAssembler().loadWord(R8, R6, 4))).isEqualTo(0x0004_6861L);
        assertThat(only(new BpfAssembler().loadHalf(R3, R7, 12))).isEqualTo(0x000c_7369L);
        assertThat(only(new BpfAssembler().loadByte(R3, R7, 14))).isEqualTo(0x000e_7371L);
        assertThat(only(new BpfAssembler().storeWord(R10, -20, R3))).isEqualTo(0xffec_3a63L);
        assertThat(only(new BpfAssembler().storeHalf(R10, -22, R3))).isEqualTo(0xffea_3a6bL);
        assertThat(only(new BpfAssembler().storeByte(R10, -23, R3))).isEqualTo(0xffe9_3a73L);
        assertThat(only(new BpfAssembler().storeByteImm(R10, -24, 3))).isEqualTo(0x0000_0003_ffe8_0a72L);
        assertThat(only(new BpfAssembler().storeHalfImm(R10, -22, 0))).isEqualTo(0xffea_0a6aL);
        assertThat(only(new BpfAssembler().storeDoubleImm(R10, -8, 0))).isEqualTo(0xfff8_0a7aL);
    }

    @Test
    void mapFdIsATwoWordImmediateWithThePseudoSource() {
        long[] w = new BpfAssembler().loadMapFd(R1, 5).words();
        assertThat(w).containsExactly(0x0000_0005_0000_1118L, 0L);
    }

    @Test
    void callsAndExit() {
        assertThat(only(new BpfAssembler().call(51))).isEqualTo(0x0000_0033_0000_0085L);
        assertThat(only(new BpfAssembler().exit())).isEqualTo(0x95L);
    }

    @Test
    void jumpsResolveForwardAndBackwardLabels() {
        long[] w = new BpfAssembler()
            .label("top")
            .jumpIfGreater(R2, R8, "end")       // 0 → 3: +2
            .jumpIfEqualImm(R3, 0x0008, "top")  // 1 → 0: -2
            .jump("end")                        // 2 → 3: +0
            .label("end")
            .jumpIfNotEqualImm(R0, 0, "top")    // 3 → 0: -4
            .jumpIfEqual(R3, 5, "end")          // 4 → 3: -2
            .exit()
            .words();
        assertThat(w[0]).isEqualTo(0x0002_822dL);
        assertThat(w[1]).isEqualTo(0x0000_0008_fffe_0315L);
        assertThat(w[2]).isEqualTo(0x0005L);
        assertThat(w[3]).isEqualTo(0xfffc_0055L);
        assertThat(w[4]).isEqualTo(0xfffe_531dL);
    }

    @Test
    void undefinedOrDuplicateLabelsAndBadRegistersAreRefused() {
        assertThatThrownBy(() -> new BpfAssembler().jump("nowhere").words()).hasMessageContaining("nowhere");
        assertThatThrownBy(() -> new BpfAssembler().label("x").label("x")).hasMessageContaining("twice");
        assertThatThrownBy(() -> new BpfAssembler().mov(11, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void steeringProgramsEndInExitsAndJumpInsideThemselves() {
        for (long[] program : new long[][] {SteeringProgram.everything(7, 1518), SteeringProgram.steered(7, 8, 1518)}) {
            assertThat(program[program.length - 1]).isEqualTo(0x95L);
            // r6 = ctx; r7 = data; r8 = data_end; r2 = r7; r2 += 1518; if r8 > r2: pass (GRO/GSO super-frames)
            assertThat(program[3]).isEqualTo(0x72bfL);
            assertThat(program[4]).isEqualTo(0x0000_05ee_0000_0207L);
            assertThat(program[5] & 0xffffL).isEqualTo(0x282dL);
            assertThat(6 + (short) (program[5] >>> 16)).as("to 'pass': r0 = XDP_PASS; exit")
                .isEqualTo(program.length - 2);
            assertThat(program[program.length - 2]).isEqualTo(0x0000_0002_0000_00b7L);
            for (int i = 0; i < program.length; i++) {
                int opcode = (int) (program[i] & 0xff);
                if ((opcode & 0x07) == 0x05 && opcode != 0x85 && opcode != 0x95) { // a jump
                    int target = i + 1 + (short) (program[i] >>> 16);
                    assertThat(target).as("jump at %d", i).isBetween(0, program.length - 1);
                }
                if (opcode == 0x18) { // ld_imm64 of a map: fd 7 (XSKMAP) or 8 (steering map)
                    assertThat((int) (program[i] >>> 32)).isIn(7, 8);
                    assertThat((program[i] >>> 12) & 0xf).isEqualTo(1);
                    i++;
                }
            }
        }
        assertThat(SteeringProgram.everything(7, 1518).length).isLessThan(SteeringProgram.steered(7, 8, 1518).length);
    }
}
