import Dispatch

/// A digest computed on another core while the caller goes on: the seal of
/// a batch's produced cards (a SHA-256 pass over some 7 MB for 100,000
/// rows) overlaps the inserts instead of holding the registry's writer longer.
final class BackgroundDigest: @unchecked Sendable {
    private let finished = DispatchSemaphore(value: 0)
    /// Written once by the computing thread before `finished` is signalled,
    /// read only after it was waited for.
    private var digest = ""

    init(_ compute: @escaping @Sendable () -> String) {
        DispatchQueue.global(qos: .userInitiated).async {
            self.digest = compute()
            self.finished.signal()
        }
    }

    /// The digest, once computed (waits for it the first time).
    var value: String {
        finished.wait()
        finished.signal()
        return digest
    }
}
