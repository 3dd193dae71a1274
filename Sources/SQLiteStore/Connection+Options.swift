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
