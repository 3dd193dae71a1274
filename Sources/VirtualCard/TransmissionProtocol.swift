/// The protocol the virtual card speaks, which decides how it returns data.
public enum TransmissionProtocol: String, Hashable, Sendable {
    /// Data-bearing replies come as `61xx` + GET RESPONSE, and a case-2
    /// command with the wrong Le gets `6Cxx`, as on real T=0 cards.
    case t0 = "T=0"
    /// Data comes straight back with the status word.
    case t1 = "T=1"
}
