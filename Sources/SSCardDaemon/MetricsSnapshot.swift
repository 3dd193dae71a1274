import Registry

/// Everything one metrics file shows, gathered at one tick, and the file's
/// text. The names, labels and meanings are documented in docs/operations.md
/// ("Metrics"); the dashboard in share/grafana and the rules in
/// share/prometheus query them, and a test checks they exist.
///
/// Every per-daemon series carries `service_point`; the registry-wide cards
/// gauge does not: it is the same on every daemon of a shared registry, and
/// is aggregated with max, not sum. Nothing here names a holder or a card.
struct MetricsSnapshot {
    /// One reader as the file shows it.
    struct Reader: Equatable {
        let name: String
        /// Attached now; 0 for a reader seen since start and gone (or pcscd away).
        let present: Bool
        let cardPresent: Bool
        let unresponsive: Bool
    }

    var servicePoint: String
    var version: String
    var startTime: Double
    var calls: [CallMetrics.Figures]
    var counts: DaemonMetrics.Counts
    /// Nil when the registry could not be queried this time.
    var registry: RegistryFigures?
    /// When the registry last answered, seconds since the epoch; nil: not yet.
    var registryLastSuccess: Double?
    /// Whether pcscd answered the reader listing.
    var readersAvailable: Bool
    var readers: [Reader]

    var exposition: String {
        var file = MetricsExposition()
        let point: [MetricsExposition.Label] = [("service_point", servicePoint)]

        file.family("sscard_build_info", .gauge, help: "sscardd's version; always 1.")
        file.sample("sscard_build_info", point + [("version", version)], 1)
        file.family("sscard_start_time_seconds", .gauge, help: "When this sscardd started, seconds since the epoch.")
        file.sample("sscard_start_time_seconds", point, startTime)

        file.family("sscard_registry_up", .gauge,
                    help: "1 if the registry answered this file's queries, 0 if it did not.")
        file.sample("sscard_registry_up", point, registry == nil ? 0 : 1)
        file.family("sscard_registry_last_success_timestamp_seconds", .gauge,
                    help: "When the registry last answered this daemon's metrics queries, seconds since the epoch.")
        if let registryLastSuccess { file.sample("sscard_registry_last_success_timestamp_seconds", point, registryLastSuccess) }
        file.family("sscard_cards", .gauge,
                    help: "Cards in the registry by state: registry-wide, the same on every daemon of a shared "
                        + "registry (aggregate with max, not sum).")
        file.family("sscard_audit_chain_entries", .gauge,
                    help: "Entries in the audit chain this daemon appends to (its service point's on PostgreSQL).")
        if let registry {
            for state in CardState.allCases {
                file.sample("sscard_cards", [("state", state.rawValue)], count: UInt64(registry.cardsByState[state] ?? 0))
            }
            file.sample("sscard_audit_chain_entries", point, count: UInt64(max(registry.auditChainLength, 0)))
        }

        writeCalls(&file, point)

        file.family("sscard_auto_releases_total", .counter,
                    help: "Temporary losses this daemon released at their deadline.")
        file.sample("sscard_auto_releases_total", point, count: counts.autoReleases)

        writeReaders(&file, point)

        file.family("sscard_metrics_write_failures_total", .counter,
                    help: "Times this metrics file could not be written (the figures are those of the next good write).")
        file.sample("sscard_metrics_write_failures_total", point, count: counts.writeFailures)
        return file.text
    }

    private func writeCalls(_ file: inout MetricsExposition, _ point: [MetricsExposition.Label]) {
        let called = calls.filter { $0.calls > 0 }
        file.family("sscard_calls_total", .counter,
                    help: "Calls this daemon answered, by method and outcome (ok, denied, refused, invalid, unavailable).")
        for method in called {
            for outcome in CallOutcome.allCases {
                file.sample("sscard_calls_total", point + [("method", method.method), ("outcome", outcome.label)],
                            count: method.outcomes[outcome.rawValue])
            }
        }
        file.family("sscard_call_duration_seconds", .histogram,
                    help: "Time from a call's arrival at the handler to its answer (a stream's: to its first reply).")
        for method in called {
            file.histogram("sscard_call_duration_seconds", point + [("method", method.method)],
                           bounds: CallMetrics.bounds, counts: method.buckets, sum: method.sumSeconds)
        }
        file.family("sscard_refused_calls_total", .counter,
                    help: "Calls answered with an error, by the error's name (CardNotFound, PermissionDenied, ...).")
        for (reason, count) in counts.refusals {
            file.sample("sscard_refused_calls_total", point + [("reason", reason)], count: count)
        }
    }

    private func writeReaders(_ file: inout MetricsExposition, _ point: [MetricsExposition.Label]) {
        file.family("sscard_readers_available", .gauge, help: "1 if pcscd answered the reader listing, 0 if not.")
        file.sample("sscard_readers_available", point, readersAvailable ? 1 : 0)
        file.family("sscard_reader_present", .gauge,
                    help: "1 while the reader is attached; 0 for a reader seen since sscardd started and now gone.")
        for reader in readers { file.sample("sscard_reader_present", point + [("reader", reader.name)], reader.present ? 1 : 0) }
        file.family("sscard_reader_card_present", .gauge, help: "1 while a card is in the reader.")
        for reader in readers {
            file.sample("sscard_reader_card_present", point + [("reader", reader.name)], reader.cardPresent ? 1 : 0)
        }
        file.family("sscard_reader_unresponsive", .gauge,
                    help: "1 while a card operation on the reader has outlived card-operation-timeout.")
        for reader in readers {
            file.sample("sscard_reader_unresponsive", point + [("reader", reader.name)], reader.unresponsive ? 1 : 0)
        }
        file.family("sscard_reader_errors_total", .counter,
                    help: "Reader errors by reader and kind: failed reader calls by error name, insertionRead, unresponsive.")
        for (key, count) in counts.readerErrors {
            file.sample("sscard_reader_errors_total", point + [("reader", key.reader), ("error", key.error)], count: count)
        }
    }
}
