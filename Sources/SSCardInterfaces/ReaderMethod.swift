/// The methods of org.sscard.Reader (Interfaces/org.sscard.Reader.varlink).
public enum ReaderMethod: String, InterfaceMember {
    public static let interface = SSCardInterface.reader

    case listReaders = "ListReaders"
    case readCard = "ReadCard"
    case verifyPin = "VerifyPin"
    case changePin = "ChangePin"
    case monitor = "Monitor"
    case psamStatus = "PsamStatus"
}
