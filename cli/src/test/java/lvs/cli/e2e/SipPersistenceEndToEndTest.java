package lvs.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import lvs.fixtures.sip.SipMessages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code --pe sip} end to end in the seed-000 lab of {@link NatLab} (own namespaces, removed even on
 * failure): a real UDP client sends SIP requests to {@code -A -u VIP:5060 -s rr -p 60 --pe sip}, the
 * real servers' UDP echo servers say who answered. One client, two calls: the calls are spread by rr,
 * each call's later requests (from other source ports) go where its INVITE went, and {@code -Lcn
 * --persistent-conn} shows the templates with "sip" and their Call-IDs. Needs root; skipped otherwise
 * or with -Dlvs.e2e=false.
 */
@Timeout(180)
class SipPersistenceEndToEndTest {
    private static final int SIP = 5060;
    private static final String VIP_PORT = NatLab.VIP + ":" + SIP;
    private static final String CALL_A = "a84b4c76e66710@198.18.0.10";
    private static final String CALL_B = "f81d4fae-7dec-11d0-a765-00a0c91e6bf6";

    @BeforeAll
    static void needsRootAndTools() {
        assumeTrue(!"false".equals(System.getProperty("lvs.e2e")), "-Dlvs.e2e=false");
        assumeTrue("root".equals(System.getProperty("user.name")), "end-to-end tests need root");
        for (String tool : new String[] {"/usr/sbin/ip", "/usr/bin/python3"}) {
            assumeTrue(Files.isExecutable(Path.of(tool)), tool + " missing");
        }
        assumeTrue(Files.isExecutable(NatLab.projectDir().resolve("bin/lvs-lab")), "bin/lvs-lab missing");
    }

    /** Sends one SIP request from a fresh UDP socket (a new source port); which real server echoed it. */
    private static String request(NatLab lab, String message) throws Exception {
        String literal = message.replace("\\", "\\\\").replace("'", "\\'").replace("\r", "\\r").replace("\n", "\\n");
        NatLab.Result r = lab.exec("client", 10, "/usr/bin/python3", "-c",
            "import socket\n"
                + "s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);s.settimeout(3)\n"
                + "s.sendto(b'" + literal + "',('" + NatLab.VIP + "'," + SIP + "));d,a=s.recvfrom(4096)\n"
                + "print(d.decode().split(' ')[0])");
        return r.status() == 0 ? r.out().trim() : "(failed) " + r;
    }

    /** A {@code -Lcn --persistent-conn} template line with the PE columns, as ipvsadm 1.31 prints it. */
    private static Pattern sipTemplate(String destination, String callId) {
        String columns = String.format("%-18s %-18s %-16s %-18s %s", "198.18.0.10:0", VIP_PORT, destination, "sip",
            callId);
        return Pattern.compile("(?m)^UDP \\d\\d:\\d\\d  (NONE|ASSURED) +" + Pattern.quote(columns) + "$");
    }

    @Test
    void callsOfOneClientAreSpreadAndEachCallSticks() throws Exception {
        try (NatLab lab = NatLab.up("--udp-port", String.valueOf(SIP))) {
            lab.ipvsadmOk("-A", "-u", VIP_PORT, "-s", "rr", "-p", "60", "--pe", "sip");
            lab.ipvsadmOk("-a", "-u", VIP_PORT, "-r", NatLab.WEB1 + ":" + SIP, "-m");
            lab.ipvsadmOk("-a", "-u", VIP_PORT, "-r", NatLab.WEB2 + ":" + SIP, "-m");
            assertThat(lab.ipvsadmOk("-Ln")).contains("UDP  " + VIP_PORT + " rr persistent 60 pe sip");

            List<String> got = new ArrayList<>();
            got.add(request(lab, SipMessages.invite(CALL_A)));
            got.add(request(lab, SipMessages.invite(CALL_B)));
            got.add(request(lab, SipMessages.bye(CALL_A)));
            got.add(request(lab, SipMessages.bye(CALL_B)));
            // Without a Call-ID the kernel drops the datagram: no answer.
            got.add(request(lab, SipMessages.request("OPTIONS", 1, "")).startsWith("(failed)") ? "dropped" : "answered");
            assertThat(got).as("lvsd log:\n%s", lab.lvsdLog()).containsExactly("web2", "web1", "web2", "web1", "dropped");

            String listing = lab.ipvsadmOk("-Lcn", "--persistent-conn");
            assertThat(listing).as(listing).startsWith("IPVS connection entries\n"
                + "pro expire state       source             virtual            destination        pe name          pe_data\n");
            assertThat(listing).as(listing).containsPattern(sipTemplate(NatLab.WEB2 + ":" + SIP, CALL_A));
            assertThat(listing).as(listing).containsPattern(sipTemplate(NatLab.WEB1 + ":" + SIP, CALL_B));
            // Without --persistent-conn the same templates are ordinary lines.
            String plain = lab.ipvsadmOk("-Lcn");
            assertThat(plain).as(plain).doesNotContain("sip").containsPattern("(?m)^UDP \\d\\d:\\d\\d  (NONE|ASSURED) +"
                + Pattern.quote(String.format("%-18s %-18s %s", "198.18.0.10:0", VIP_PORT, NatLab.WEB2 + ":" + SIP))
                + "$");
        }
    }
}
