package lvs.cli.ipvsadm;

import lvs.table.Errno;

/**
 * libipvs's {@code ipvs_strerror} (1.30+, which keeps the kernel's errno): a text specific to the
 * function that failed, else a generic text, else glibc's {@code strerror}.
 */
final class KernelErrorText {
    private KernelErrorText() {
    }

    static String of(LibipvsCall call, Errno errno) {
        // Matched on the name so that errno values added to the enum later still get their strerror text.
        String e = errno.name();
        String specific = switch (call) {
            case ADD_SERVICE -> e.equals("EEXIST") ? "Service already exists"
                : e.equals("ENOENT") ? "Scheduler or persistence engine not found" : null;
            case UPDATE_SERVICE -> e.equals("ESRCH") ? "No such service"
                : e.equals("ENOENT") ? "Scheduler or persistence engine not found" : null;
            case DEL_SERVICE, ZERO_SERVICE, GET_SERVICES, GET_DESTS, GET_SERVICE ->
                e.equals("ESRCH") ? "No such service" : null;
            case ADD_DEST -> e.equals("ESRCH") ? "Service not defined"
                : e.equals("EEXIST") ? "Destination already exists" : null;
            case UPDATE_DEST, DEL_DEST -> e.equals("ESRCH") ? "Service not defined"
                : e.equals("ENOENT") ? "No such destination" : null;
            case START_DAEMON -> e.equals("EEXIST") ? "Daemon has already run" : null;
            case STOP_DAEMON -> e.equals("ESRCH") ? "No daemon is running" : null;
            case OTHER -> null;
        };
        if (specific != null) {
            return specific;
        }
        return switch (e) {
            case "EPERM" -> "Permission denied (you must be root)";
            case "EINVAL" -> "Invalid operation.  Possibly wrong module version, address not unicast, ...";
            case "ENOPROTOOPT" -> "Protocol not available";
            case "ENOMEM" -> "Memory allocation problem";
            case "EOPNOTSUPP" -> "Operation not supported with IPv6";
            case "EAFNOSUPPORT" -> "Operation not supported with specified address family";
            case "EMSGSIZE" -> "Module is wrong version";
            default -> strerror(e);
        };
    }

    /** glibc's {@code strerror} texts for the errno values an IPVS control call can produce. */
    private static String strerror(String e) {
        return switch (e) {
            case "ENOENT" -> "No such file or directory";
            case "ESRCH" -> "No such process";
            case "EEXIST" -> "File exists";
            case "ENODEV" -> "No such device";
            case "ERANGE" -> "Numerical result out of range";
            case "EBUSY" -> "Device or resource busy";
            case "ENOBUFS" -> "No buffer space available";
            case "EADDRNOTAVAIL" -> "Cannot assign requested address";
            case "ENXIO" -> "No such device or address";
            case "E2BIG" -> "Argument list too long";
            case "EIO" -> "Input/output error";
            case "EAGAIN" -> "Resource temporarily unavailable";
            case "ENOSPC" -> "No space left on device";
            default -> "Unknown error " + e;
        };
    }
}
