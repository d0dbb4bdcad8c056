package lvs.io;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;

/**
 * One jnr-ffi binding of libc, loaded once. The packet I/O back-ends (AF_PACKET, AF_XDP, NFQUEUE)
 * each declare only the calls they use as an interface and keep one of these in a holder class, so a
 * machine without libc or jffi fails with a clear message at first use instead of at class loading.
 *
 * @param <T> the interface of libc functions
 */
public final class LibcBinding<T> {
    private final T libc;
    private final Runtime runtime;
    private final Throwable failure;

    private LibcBinding(T libc, Runtime runtime, Throwable failure) {
        this.libc = libc;
        this.runtime = runtime;
        this.failure = failure;
    }

    /** Binds {@code api} to libc; never throws: a failure is reported by {@link #get()}. */
    public static <T> LibcBinding<T> load(Class<T> api) {
        try {
            T libc = LibraryLoader.create(api).load("c");
            return new LibcBinding<>(libc, Runtime.getRuntime(libc), null);
        } catch (Throwable t) {
            return new LibcBinding<>(null, null, t);
        }
    }

    /** The bound functions, or an {@link IllegalStateException} that says why there are none. */
    public T get() {
        if (libc == null) {
            throw new IllegalStateException("libc bindings unavailable: " + failure, failure);
        }
        return libc;
    }

    /** errno of the calling thread's last failed call through this binding. */
    public int errno() {
        return runtime.getLastError();
    }
}
