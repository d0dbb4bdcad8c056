package lvs.cli.ipvsadm;

import lvs.cli.ipvsadm.values.NameService;
import lvs.cli.ipvsadm.values.SystemNameService;
import lvs.cli.render.NameResolver;

/**
 * The libc look-ups an ipvsadm run depends on: names to addresses and ports while parsing, and
 * addresses and ports to names while listing. Tests pass hosts-file-only versions so nothing queries DNS.
 */
public record IpvsadmEnvironment(NameService names, NameResolver resolver) {
    /** /etc/hosts then the system resolver, /etc/services. */
    public static IpvsadmEnvironment system() {
        return new IpvsadmEnvironment(SystemNameService.system(), NameResolver.system());
    }
}
