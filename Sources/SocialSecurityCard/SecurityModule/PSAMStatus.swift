/// What `sscardctl psam status` shows of a PSAM: whether it is there, which
/// one, and whether a session is open. Never a key or the operator PIN.
public struct PSAMStatus: Equatable, Sendable {
    /// How far the session got.
    public enum State: String, Sendable {
        /// No connection to the PSAM.
        case closed
        /// Connected; its application not yet selected.
        case connected
        /// The application selected; the operator PIN not (yet) verified.
        case selected
        /// Selected and verified: MACs can be computed.
        case ready
    }

    public var reader: String
    public var present: Bool
    /// The PSAM's serial number (hex), from its public file EF15, if it has one.
    public var serial: String?
    public var state: State
    /// Operator-PIN tries left, known after the PSAM refused a PIN.
    public var operatorPINTriesLeft: Int?
    /// MACs computed since the daemon started.
    public var macsComputed: Int
    /// Commands sent to the PSAM since then (session set-up included).
    public var commandsSent: Int
    /// Why the session could not be opened, if it could not.
    public var problem: SecurityModuleError?

    public init(reader: String, present: Bool, serial: String?, state: State, operatorPINTriesLeft: Int?,
                macsComputed: Int, commandsSent: Int = 0, problem: SecurityModuleError?) {
        self.reader = reader
        self.present = present
        self.serial = serial
        self.state = state
        self.operatorPINTriesLeft = operatorPINTriesLeft
        self.macsComputed = macsComputed
        self.commandsSent = commandsSent
        self.problem = problem
    }
}
