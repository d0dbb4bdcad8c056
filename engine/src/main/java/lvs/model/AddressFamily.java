package lvs.model;

/** The two address families IPVS knows, with the kernel's AF_* numbers. */
public enum AddressFamily {
    INET(2, 4),
    INET6(10, 16);

    private final int kernelValue;
    private final int addressLength;

    AddressFamily(int kernelValue, int addressLength) {
        this.kernelValue = kernelValue;
        this.addressLength = addressLength;
    }

    /** AF_INET = 2, AF_INET6 = 10. */
    public int kernelValue() {
        return kernelValue;
    }

    /** Bytes in an address of this family: 4 or 16. */
    public int addressLength() {
        return addressLength;
    }
}
