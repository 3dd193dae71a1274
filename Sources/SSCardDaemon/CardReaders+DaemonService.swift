/// The readers as a daemon service: `start` queues the reader monitor's
/// start (pcscd may come later; it keeps trying), and `stop` ends the
/// monitor's thread and has every reader queue release its PC/SC context on
/// itself. Started before the socket, so the first reader call finds them.
extension CardReaders: DaemonService {
    var name: String { "reader monitor" }
}
