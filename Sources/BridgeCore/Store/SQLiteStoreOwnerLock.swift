import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One bridge per store file (docs/store.md): an exclusive `flock(2)` on `<store path>.lock`, taken before the file
/// is opened and held until the store closes. Two processes on one file would each sweep the same incomplete long
/// MO and publish it twice under different ids, and neither would see the other's in-memory holds. The kernel drops
/// the lock when its process ends, a crash included, so a stale lock file never blocks a restart. A separate file,
/// not the database itself: on NFS `flock` is emulated with the `fcntl` locks SQLite uses on the database.
final class SQLiteStoreOwnerLock: Sendable {
    private let descriptor: Mutex<Int32?>

    /// Takes the lock for the store at `path`, or fails `.locked` when another process holds it.
    init(storePath path: String) throws(BridgeStoreError) {
        let lockPath = path + ".lock"
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw BridgeStoreError(
                code: .cannotOpen, location: path,
                detail: "cannot open \(lockPath): \(SQLiteBridgeStore.errnoText())")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let failure = errno
            close(fd)
            if failure == EWOULDBLOCK {
                throw BridgeStoreError(
                    code: .locked, location: path,
                    detail: "another smpp-bridge uses this store (it holds the lock on \(lockPath)); one store file "
                        + "serves one instance — give each its own store.path, or share store.url (PostgreSQL)")
            }
            throw BridgeStoreError(
                code: .cannotOpen, location: path, detail: "cannot lock \(lockPath): \(SQLiteBridgeStore.errnoText(failure))")
        }
        descriptor = Mutex(fd)
    }

    /// Lets the lock go (once; later calls do nothing).
    func release() {
        if let fd = descriptor.withLock({ fd in defer { fd = nil }; return fd }) { close(fd) }
    }

    deinit { release() }
}
