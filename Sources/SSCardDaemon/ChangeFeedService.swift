import RegistryPostgreSQL

/// The shared registry's change feed as a daemon service: with PostgreSQL
/// and `change-feed = on`, a listener thread of its own (one `PGconn*`
/// LISTENing) republishes what other daemons commit to this daemon's
/// Monitor subscribers. With SQLite, or the feed off, it starts nothing.
final class ChangeFeedService: DaemonService {
    let name = "change feed"
    private let registryService: RegistryService
    private let configuration: Configuration
    private let log: Log
    private var feed: RegistryChangeFeed?

    init(registry: RegistryService, configuration: Configuration, log: Log) {
        registryService = registry
        self.configuration = configuration
        self.log = log
    }

    func start() {
        guard let store = registryService.store as? PostgreSQLRegistryStore else { return }
        guard configuration.changeFeed == .on else {
            log.notice("change feed off: Monitor subscribers see only this daemon's own changes")
            return
        }
        let feed = RegistryChangeFeed(store: store, registry: registryService.registry,
                                      catchUpLimit: configuration.changeFeedCatchUpLimit,
                                      onReport: { [log] report in Self.logFeed(report, log) })
        feed.start()
        self.feed = feed
    }

    func stop() {
        feed?.stop()
        feed = nil
    }

    /// The change feed's catch-ups and gaps, for the journal (the log masks
    /// any social security number an error might carry).
    static func logFeed(_ report: RegistryChangeFeed.Report, _ log: Log) {
        switch report {
        case let .caughtUp(replayed):
            log.notice("change feed reconnected: \(replayed) change(s) other daemons made meanwhile shown to monitors late")
        case let .gap(reason, detail):
            log.warning("change feed gap, monitors told to re-read: \(reason)\(detail.map { " (\($0))" } ?? "")")
        }
    }
}
