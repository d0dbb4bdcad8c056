package lvs.cli.client;

import java.io.ByteArrayOutputStream;

/**
 * Unix-socket calls for the thin client without the JDK's Unix-domain {@code SocketChannel}.
 *
 * <p>Why: the first {@code SocketChannel.open(UNIX)} runs {@code sun.nio.ch.UnixDomainSockets}' static
 * initialiser, which creates a {@code SecureRandom} (only ever used to name auto-bound sockets). That
 * loads the security properties and the SUN provider: about 12 of the ~25 ms the client used to cost
 * over a Java hello-world (docs/benchmarks.md), on every {@code ipvsadm} call a script makes.
 *
 * <p>How: the JDK ships {@code lib/libattach.so}, whose exported JNI functions
 * {@code Java_sun_tools_attach_VirtualMachineImpl_socket/connect/read/write/close} are plain
 * {@code socket(AF_UNIX)}, {@code connect}, {@code read}, {@code write} and {@code close} calls (the
 * attach API's transport). JNI binds such functions to a class by its name and class loader, so this
 * defines a small class named {@code sun.tools.attach.VirtualMachineImpl} in a private class loader
 * (the real one, in module {@code jdk.attach}, is never loaded), declares the five functions as its
 * static native methods, and loads {@code libattach} from that class. The class also implements
 * {@link UnixSocketCalls} and hands its instance over when initialised, so the client calls it without
 * reflection. Its bytes are written here rather than read from the jar: a resource read costs 2 to 5 ms
 * at start-up, this costs microseconds.
 *
 * <p>The functions are the same in JDK 17 and 25, the two JDKs of these machines ({@code
 * LibattachChannelTest} runs a client on every JDK it finds). If anything fails (another JDK, a missing
 * library), {@link #calls} returns null and the client uses the JDK's {@code SocketChannel}: slower to
 * start, same behaviour. Only the thin client uses this; lvsd keeps the JDK's channel.
 */
final class LibattachBridge {
    /** The name libattach's JNI symbols are bound to. */
    static final String CLASS_NAME = "sun.tools.attach.VirtualMachineImpl";
    private static final String INTERFACE = UnixSocketCalls.class.getName().replace('.', '/');

    private static UnixSocketCalls calls;
    private static boolean tried;

    private LibattachBridge() {
    }

    /** The calls, bound on first use; null when this JDK's libattach cannot be used. */
    static synchronized UnixSocketCalls calls() {
        if (!tried) {
            tried = true;
            calls = bind();
        }
        return calls;
    }

    private static UnixSocketCalls bind() {
        if (!nativeAccessEnabled()) {
            return null;
        }
        try {
            BridgeLoader loader = new BridgeLoader();
            loader.define(classFile());
            Class.forName(CLASS_NAME, true, loader); // its static initialiser calls handOver
            UnixSocketCalls c = handedOver;
            handedOver = null;
            c.load(System.getProperty("java.home").concat("/lib/libattach.so"));
            return c;
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            return null;
        }
    }

    private static UnixSocketCalls handedOver;

    /** From {@link UnixSocketCalls#handOver}, inside {@link #bind}'s {@code Class.forName} (same thread, lock held). */
    static void handOver(UnixSocketCalls calls) {
        handedOver = calls;
    }

    /** Set by bin/ipvsadm when it has granted native access to the class path (see {@link #nativeAccessEnabled}). */
    static final String NATIVE_ACCESS_PROPERTY = "lvs.nativeAccess";

    /**
     * From JDK 22 on, loading a JNI library from code without native access prints a warning on
     * stderr (JDK 24+; later JDKs will refuse), which would break ipvsadm's byte-exact output. Native
     * access is granted to the class path (all unnamed modules, the bridge's included) by
     * {@code --enable-native-access=ALL-UNNAMED} or, as bin/ipvsadm does on those JDKs, by starting
     * the jar with {@code -jar} (its manifest says {@code Enable-Native-Access: ALL-UNNAMED}); the
     * launcher then says so with {@code -Dlvs.nativeAccess=ALL-UNNAMED}. It is not asked of the JDK
     * ({@code Module.isNativeAccessEnabled()}, JDK 22+ only, so through reflection): on JDK 25 that one
     * reflective call spins method-handle classes for ~14 ms. Without it the client uses the JDK's channel.
     */
    static boolean nativeAccessEnabled() {
        return Runtime.version().feature() < 22 || "ALL-UNNAMED".equals(System.getProperty(NATIVE_ACCESS_PROPERTY));
    }

    /** Defines the bridge; the loader is kept alive by the class (and so is the library it loads). */
    private static final class BridgeLoader extends ClassLoader {
        BridgeLoader() {
            super(LibattachBridge.class.getClassLoader());
        }

        void define(byte[] bytes) {
            defineClass(CLASS_NAME, bytes, 0, bytes.length);
        }
    }

    // ---- the class file (JVMS chapter 4), version 61 (Java 17) -------------------------------------

    /** One native method of libattach and the interface method that calls it. */
    private record Native(String name, String bridgeName, String descriptor, byte[] loadArgs, int returnOp) {
    }

    private static final int ILOAD_1 = 0x1b;
    private static final int ILOAD_3 = 0x1d;
    private static final int ILOAD = 0x15;
    private static final int ALOAD_0 = 0x2a;
    private static final int ALOAD_1 = 0x2b;
    private static final int ALOAD_2 = 0x2c;
    private static final int IRETURN = 0xac;
    private static final int RETURN = 0xb1;
    private static final int INVOKESPECIAL = 0xb7;
    private static final int INVOKESTATIC = 0xb8;
    private static final int NEW = 0xbb;
    private static final int DUP = 0x59;

    private static final Native[] NATIVES = {
        new Native("socket", "openSocket", "()I", new byte[] {}, IRETURN),
        new Native("connect", "connectSocket", "(ILjava/lang/String;)V", new byte[] {ILOAD_1, ALOAD_2}, RETURN),
        new Native("read", "readSocket", "(I[BII)I", new byte[] {ILOAD_1, ALOAD_2, ILOAD_3, (byte) ILOAD, 4}, IRETURN),
        new Native("write", "writeSocket", "(I[BII)V", new byte[] {ILOAD_1, ALOAD_2, ILOAD_3, (byte) ILOAD, 4}, RETURN),
        new Native("close", "closeSocket", "(I)V", new byte[] {ILOAD_1}, RETURN),
    };

    /**
     * The bridge class: {@code public final class sun.tools.attach.VirtualMachineImpl implements
     * UnixSocketCalls}, with a public no-argument constructor, a static initialiser that hands a new
     * instance to {@link UnixSocketCalls#handOver}, {@code load(String)} calling
     * {@code System.load}, five {@code private static native} methods named as libattach's functions,
     * and for each a public method of {@link UnixSocketCalls} that passes its arguments on.
     * Straight-line code only, so no stack map frames are needed.
     */
    static byte[] classFile() {
        ConstantPool cp = new ConstantPool();
        int thisClass = cp.classRef(CLASS_NAME.replace('.', '/'));
        int object = cp.classRef("java/lang/Object");
        int iface = cp.classRef(INTERFACE);
        int objectInit = cp.methodRef(object, "<init>", "()V");
        int systemLoad = cp.methodRef(cp.classRef("java/lang/System"), "load", "(Ljava/lang/String;)V");
        int code = cp.utf8("Code");

        Bytes methods = new Bytes();
        int init = cp.utf8("<init>");
        int noArgs = cp.utf8("()V");
        methods.method(0x0001, init, noArgs, code, 1, 1,
            ALOAD_0, INVOKESPECIAL, objectInit >> 8, objectInit & 0xff, RETURN);
        int thisInit = cp.methodRef(thisClass, init, noArgs);
        int handOver = cp.interfaceMethodRef(iface, "handOver", "(L".concat(INTERFACE).concat(";)V"));
        methods.method(0x0008, cp.utf8("<clinit>"), noArgs, code, 2, 0,  // static: UnixSocketCalls.handOver(new ...())
            NEW, thisClass >> 8, thisClass & 0xff, DUP, INVOKESPECIAL, thisInit >> 8, thisInit & 0xff,
            INVOKESTATIC, handOver >> 8, handOver & 0xff, RETURN);
        methods.method(0x0001, cp.utf8("load"), cp.utf8("(Ljava/lang/String;)V"), code, 1, 2,
            ALOAD_1, INVOKESTATIC, systemLoad >> 8, systemLoad & 0xff, RETURN);
        for (Native n : NATIVES) {
            int name = cp.utf8(n.name);
            int descriptor = cp.utf8(n.descriptor);
            methods.u2(0x0002 | 0x0008 | 0x0100).u2(name).u2(descriptor).u2(0); // private static native
            int target = cp.methodRef(thisClass, name, descriptor);
            int[] body = new int[n.loadArgs.length + 4];
            for (int i = 0; i < n.loadArgs.length; i++) {
                body[i] = n.loadArgs[i] & 0xff;
            }
            int at = n.loadArgs.length;
            body[at] = INVOKESTATIC;
            body[at + 1] = target >> 8;
            body[at + 2] = target & 0xff;
            body[at + 3] = n.returnOp;
            int arguments = argumentCount(n.descriptor); // each one slot (int or reference); local 0 is this
            methods.method(0x0001, cp.utf8(n.bridgeName), descriptor, code, Math.max(1, arguments), 1 + arguments, body);
        }

        Bytes out = new Bytes();
        out.u4(0xCAFEBABE).u2(0).u2(61);
        out.u2(cp.count()).raw(cp.toByteArray());
        out.u2(0x0001 | 0x0010 | 0x0020).u2(thisClass).u2(object); // public final, ACC_SUPER
        out.u2(1).u2(iface);
        out.u2(0); // fields
        out.u2(3 + 2 * NATIVES.length).raw(methods.toByteArray());
        out.u2(0); // attributes
        return out.toByteArray();
    }

    /** Arguments in a descriptor made of I, [B and Ljava/lang/String; only. */
    private static int argumentCount(String descriptor) {
        int count = 0;
        for (int i = 1; descriptor.charAt(i) != ')'; i++) {
            char c = descriptor.charAt(i);
            if (c == 'L') {
                i = descriptor.indexOf(';', i);
            } else if (c == '[') {
                i++;
            }
            count++;
        }
        return count;
    }

    /** Big-endian output, as class files are. */
    private static class Bytes extends ByteArrayOutputStream {
        Bytes u2(int v) {
            write(v >>> 8);
            write(v);
            return this;
        }

        Bytes u4(int v) {
            return u2(v >>> 16).u2(v & 0xffff);
        }

        Bytes raw(byte[] b) {
            write(b, 0, b.length);
            return this;
        }

        /** A method with a Code attribute (no exception table, no attributes of its own). */
        void method(int access, int name, int descriptor, int codeAttr, int maxStack, int maxLocals, int... code) {
            u2(access).u2(name).u2(descriptor).u2(1);
            u2(codeAttr).u4(2 + 2 + 4 + code.length + 2 + 2);
            u2(maxStack).u2(maxLocals).u4(code.length);
            for (int b : code) {
                write(b);
            }
            u2(0).u2(0);
        }
    }

    /**
     * Constant pool entries in the order they are asked for. Names may repeat (the class file format
     * allows duplicate entries); ASCII names only, so modified UTF-8 is plain bytes.
     */
    private static final class ConstantPool extends Bytes {
        private int next = 1;

        int utf8(String s) {
            write(1);
            u2(s.length());
            for (int i = 0; i < s.length(); i++) {
                write(s.charAt(i));
            }
            return next++;
        }

        int classRef(String internalName) {
            int name = utf8(internalName);
            write(7);
            u2(name);
            return next++;
        }

        int methodRef(int owner, String name, String descriptor) {
            return methodRef(owner, utf8(name), utf8(descriptor));
        }

        int methodRef(int owner, int name, int descriptor) {
            return memberRef(10, owner, name, descriptor);
        }

        int interfaceMethodRef(int owner, String name, String descriptor) {
            return memberRef(11, owner, utf8(name), utf8(descriptor));
        }

        private int memberRef(int tag, int owner, int name, int descriptor) {
            write(12);
            u2(name).u2(descriptor);
            int nameAndType = next++;
            write(tag);
            u2(owner).u2(nameAndType);
            return next++;
        }

        int count() {
            return next;
        }
    }
}
