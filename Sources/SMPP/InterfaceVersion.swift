/// The SMPP interface versions this codec speaks.
///
/// Only 3.4 is supported (DESIGN §1); `interface_version` values of 0x33 or lower mean a 3.3 peer, which has no TLVs
/// (reference/SMPP-3.4.md §3).
public enum InterfaceVersion {
    /// `interface_version` 0x34: SMPP 3.4, the only version this project binds with.
    public static let smpp34: UInt8 = 0x34
}
