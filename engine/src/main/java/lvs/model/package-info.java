/**
 * The virtual server table's vocabulary, as ipvsadm and the kernel's {@code ip_vs_ctl.c} speak it:
 * services, real servers, timeouts and sync daemons. Immutable values used on the control path only;
 * the data plane works from compiled snapshots, never from these objects.
 */
package lvs.model;
