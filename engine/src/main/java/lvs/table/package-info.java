/**
 * The virtual server table: the only mutable copy of the rules (single writer), with the kernel's
 * {@code ip_vs_ctl.c} semantics and errno codes, and the read model that listings and saves render.
 */
package lvs.table;
