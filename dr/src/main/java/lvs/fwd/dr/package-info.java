/**
 * {@code -g} direct routing: the request keeps its IP header (VIP as destination) and is handed to
 * the real server by MAC address; the real server, which holds the VIP on a non-ARPing interface,
 * answers the client directly.
 */
package lvs.fwd.dr;
