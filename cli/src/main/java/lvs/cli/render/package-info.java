/**
 * ipvsadm's output, byte for byte: every {@code -L} layout, {@code -c}, {@code --timeout},
 * {@code --daemon} and the {@code -S} rule format. Entry point: {@link lvs.cli.render.Listings}.
 */
package lvs.cli.render;
