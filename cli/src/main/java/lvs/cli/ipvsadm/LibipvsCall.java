package lvs.cli.ipvsadm;

/**
 * The libipvs function that ran last ({@code ipvs_func}): {@code ipvs_strerror} looks for a text specific
 * to it before the generic one.
 */
enum LibipvsCall {
    ADD_SERVICE, UPDATE_SERVICE, DEL_SERVICE, ZERO_SERVICE, ADD_DEST, UPDATE_DEST, DEL_DEST,
    START_DAEMON, STOP_DAEMON, GET_SERVICES, GET_DESTS, GET_SERVICE,
    /** {@code ipvs_flush}, {@code ipvs_set_timeout}, and others that leave {@code ipvs_func} unset. */
    OTHER
}
