extension Connection {
    /// How a connection is opened. The defaults are the ones the registry
    /// needs: durable commits and enforced references.
    public struct Options: Sendable {
        /// WAL lets readers run beside the single writer and makes a commit
        /// one sequential append (plus fsync) to the log.
        public var journalModeWAL = true
        /// `synchronous=FULL`: in WAL mode this fsyncs the log on every commit,
        /// so a committed card issue survives power loss. NORMAL would only
        /// fsync at checkpoints and could lose the last commits.
        public var synchronousFull = true
        /// SQLite leaves foreign keys off by default, per connection.
        public var foreignKeys = true
        /// How long a statement waits for another connection's lock before `.busy`.
        public var busyTimeoutMilliseconds: Int32 = 5000
        public var readOnly = false
        /// Create the file if it does not exist (ignored for read-only).
        public var create = true
        /// Page cache size in KiB (`cache_size = -N`); nil keeps SQLite's 2 MiB.
        /// A large registry's hot pages (the card index) fit in 64 MiB.
        public var cacheSizeKiB: Int? = nil
        /// Bytes of the file read through a memory map (`mmap_size`); nil keeps
        /// it off. Mapped reads skip a read(2) per page, which dominates a
        /// point query once the page is in the OS cache.
        public var mmapSizeBytes: Int64? = nil
        /// WAL pages after which a commit checkpoints (`wal_autocheckpoint`);
        /// 0 turns automatic checkpoints off, for a store that checkpoints
        /// from a thread of its own instead of inside its commits.
        public var walAutocheckpointPages: Int? = nil

        public init(journalModeWAL: Bool = true, synchronousFull: Bool = true, foreignKeys: Bool = true,
                    busyTimeoutMilliseconds: Int32 = 5000, readOnly: Bool = false, create: Bool = true) {
            self.journalModeWAL = journalModeWAL
            self.synchronousFull = synchronousFull
            self.foreignKeys = foreignKeys
            self.busyTimeoutMilliseconds = busyTimeoutMilliseconds
            self.readOnly = readOnly
            self.create = create
        }

        /// A reader for a database some other connection writes.
        public static var reader: Options { Options(readOnly: true, create: false) }
    }
}
