import Dispatch
import Foundation
import Registry

/// Writes the metrics file (`metrics-file`) every `metrics-interval` seconds
/// and once more at stop, for node_exporter's textfile collector: sscardd
/// serves no HTTP, and its sandbox allows no network at all.
///
/// Started after the readers and before the varlink server, so it stops
/// after the server has finished the calls in flight (the last file counts
/// them) and before the store closes. Each tick runs on its own serial queue:
/// the registry query and the reader listing never run on a caller's thread.
/// A failure is logged once (and again only after a success), counted in the
/// file itself, and never stops the daemon. Without `metrics-file` it does nothing.
/// `@unchecked Sendable`: the tick's state is touched on `queue` only, and
/// the rest is set in `start` and `stop`, on the daemon's main thread.
final class MetricsFileService: DaemonService, @unchecked Sendable {
    let name = "metrics file"
    private let file: MetricsFile?
    private let interval: Int
    private let metrics: DaemonMetrics
    private let registryService: RegistryService
    private let readers: CardReaders
    private let log: Log
    private let queue = DispatchQueue(label: "sscard.metrics-file")
    private var timer: DispatchSourceTimer?
    private var subscription: Int?
    // The tick's state: touched on `queue` only.
    private var seenReaders: Set<String> = []
    private var registryLastSuccess: Double?
    private var registryFailing = false
    private var writeFailing = false

    init(configuration: Configuration, metrics: DaemonMetrics, registry: RegistryService, readers: CardReaders, log: Log) {
        file = configuration.metricsFile.map(MetricsFile.init(path:))
        interval = configuration.metricsIntervalSeconds
        self.metrics = metrics
        registryService = registry
        self.readers = readers
        self.log = log
    }

    func start() throws {
        guard let file else { return }
        if let problem = MetricsFile.problem(with: file.path) {
            // Checked by --check-config too; here the directory may have gone
            // since. Logged, not fatal: metrics must never stop the service.
            log.warning("\(problem); writing will be retried every \(interval) s")
        }
        let metrics = self.metrics
        subscription = readers.subscribe { event in
            switch event.change {
            case let .unresponsive(reader): metrics.readerError(reader: reader, error: "unresponsive")
            case let .reader(.cardInserted(reader, _)) where event.readError != nil:
                metrics.readerError(reader: reader, error: "insertionRead")
            default: break
            }
        }
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now(), repeating: .seconds(interval), leeway: .milliseconds(100))
        timer.setEventHandler { [weak self] in self?.tick() }
        timer.resume()
        self.timer = timer
        log.info("metrics to \(file.path) every \(interval) s")
    }

    func stop() {
        guard file != nil else { return }
        timer?.cancel()
        timer = nil
        if let subscription { readers.unsubscribe(subscription) }
        subscription = nil
        // The last figures, with every call the server finished counted.
        queue.sync { tick() }
    }

    /// Gathers the figures and writes the file; on `queue`.
    private func tick() {
        guard let file else { return }
        let registry = registryFigures()
        let (readersAvailable, readerFigures) = readerFigures()
        let snapshot = MetricsSnapshot(
            servicePoint: metrics.servicePoint, version: Version.current, startTime: metrics.startTime,
            calls: metrics.calls.figures(), counts: metrics.counts(), registry: registry,
            registryLastSuccess: registryLastSuccess, readersAvailable: readersAvailable, readers: readerFigures)
        do {
            try file.write(snapshot.exposition)
            if writeFailing { log.notice("metrics file \(file.path) written again") }
            writeFailing = false
        } catch {
            metrics.writeFailed()
            if !writeFailing { log.warning("\(error); will retry every \(interval) s") }
            writeFailing = true
        }
    }

    private func registryFigures() -> RegistryFigures? {
        do {
            let figures = try registryService.registry.figures()
            registryLastSuccess = Date().timeIntervalSince1970
            if registryFailing { log.notice("metrics: the registry answers again") }
            registryFailing = false
            return figures
        } catch {
            if !registryFailing { log.warning("metrics: the registry did not answer: \(error)") }
            registryFailing = true
            return nil
        }
    }

    /// The readers attached now, and those seen since start that are gone.
    private func readerFigures() -> (available: Bool, readers: [MetricsSnapshot.Reader]) {
        let attached: [CardReaders.Reader]
        let available: Bool
        do {
            attached = try readers.list(within: .all)
            available = true
        } catch {
            attached = []
            available = false
        }
        seenReaders.formUnion(attached.map(\.name))
        let byName = Dictionary(attached.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        return (available, seenReaders.sorted().map { name in
            guard let reader = byName[name] else {
                return MetricsSnapshot.Reader(name: name, present: false, cardPresent: false, unresponsive: false)
            }
            return MetricsSnapshot.Reader(name: name, present: true, cardPresent: reader.cardPresent,
                                          unresponsive: reader.unresponsive)
        })
    }
}
