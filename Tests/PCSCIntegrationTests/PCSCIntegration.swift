import SSCardRig
import Testing

/// All suites that use the shared private pcscd, nested here so that
/// `.serialized` covers them together: they share vpcd slots and a
/// daemon that one of them restarts.
@Suite("PC/SC integration (private pcscd + vpcd + sscard-vcard)", .serialized, .timeLimit(.minutes(2)))
enum PCSCIntegration {}
