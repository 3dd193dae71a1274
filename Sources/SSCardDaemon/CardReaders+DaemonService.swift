/// The readers as a daemon service: `start` queues the reader monitor's
/// start on the readers' queue (pcscd may come later; it keeps trying), and
/// `stop` ends the monitor's thread and releases the PC/SC context on that
/// queue. Started before the socket, so the first reader call finds them.
extension CardReaders: DaemonService {
    var name: String { "reader monitor" }
}
