import Foundation
import PCSC
import SocialSecurityCard
import SSCardInterfaces
import SSCardRig
import Testing
import Varlink

/// sscardd with `security-module = psam`: the virtual PSAM in slot 1, the
/// holder's card in slot 0, the operator PIN from the `psam-pin` credential,
/// no issuer key on the host. Resets go through the PSAM; its failures are
/// typed, audited, and leave the holder's card as it was.
@Suite("sscardd: the PSAM security module", .serialized)
struct PSAMDaemonTests {
    static let psamFile = """
        serial = 31 00 00 00 00 00 00 00 00 07
        operator-pin = 12 34 56
        key.27.02 = sm4 0123456789ABCDEFFEDCBA9876543210
        key.26.02 = sm4 00112233445566778899AABBCCDDEEFF
        key.28.02 = sm4 FFEEDDCCBBAA99887766554433221100
        """

    /// A daemon with the PSAM configured and `pin` as its credential.
    static func rig(pin: String = "123456") throws -> DaemonRig {
        let rig = try DaemonRig(extra: """
            security-module = psam
            psam-reader = \(PCSCRig.reader1)
            """, start: false, softwareKeys: false)
        let credentials = rig.directory + "/credentials"
        try FileManager.default.createDirectory(atPath: credentials, withIntermediateDirectories: true)
        try (pin + "\n").write(toFile: credentials + "/psam-pin", atomically: true, encoding: .utf8)
        chmod(credentials + "/psam-pin", 0o400)
        try rig.start(environment: ["CREDENTIALS_DIRECTORY": credentials])
        return rig
    }

    /// Inserts the virtual PSAM in slot 1 and returns once pcscd has seen it
    /// (the test's own monitor: sscardd ignores the PSAM's reader).
    static func insertPSAM(name: String) throws -> ChildProcess {
        _ = PCSCRig.shared  // points libpcsclite at the private pcscd
        let monitor = try ReaderMonitor()
        let seen = DispatchSemaphore(value: 0)
        monitor.start { event in
            if case .cardInserted(PCSCRig.reader1, _) = event { seen.signal() }
        }
        defer { monitor.stop() }
        let psam = try PCSCRig.shared.insertPSAM(psamFile, name: name)
        guard seen.wait(timeout: .now() + 20) == .success else { throw RigError.missing("the PSAM in \(PCSCRig.reader1)") }
        return psam
    }

    /// Takes a card (or the PSAM) out and returns once pcscd has seen it go,
    /// so the next test finds the slot empty; the test's own monitor, as the
    /// daemon may have been stopped, and ignores slot 1.
    static func remove(_ card: ChildProcess, from reader: String = PCSCRig.reader1) {
        let monitor = try? ReaderMonitor()
        let gone = DispatchSemaphore(value: 0)
        monitor?.start { event in
            if event == .cardRemoved(reader: reader) { gone.signal() }
        }
        defer { monitor?.stop() }
        card.terminate()
        _ = gone.wait(timeout: .now() + 20)
    }

    static func reset(_ client: VarlinkClient, _ number: String, pin: String) throws {
        _ = try client.call(RegistryMethod.resetPassword.name, .fields([
            .cardNumber: .string(number), .reader: .string(PCSCRig.reader0), .newPin: .string(pin),
            .evidence: Fixture.idCardAndCard]))
    }

    static func resets(_ client: VarlinkClient, _ number: String) throws -> [JSONValue] {
        (try client.call(RegistryMethod.history.name, .fields([.cardNumber: .string(number)]))[.entries]?.array ?? [])
            .filter { $0[.action]?.string == "resetPassword" }
    }

    @Test("a PIN reset through the PSAM; the PSAM's reader is not a holder's reader; psam status shows it, never a key")
    func resetThroughPSAM() throws {
        let psam = try Self.insertPSAM(name: "daemon-psam")
        defer { Self.remove(psam) }
        let rig = try Self.rig()
        #expect(rig.daemon?.output.contains { $0.contains("security module: software") } == false)
        let client = try Fixture.client(rig)
        let number = try Fixture.issue(40, client: client)
        let card = try Fixture.insert(40, rig: rig)
        defer { Fixture.remove(card, rig: rig) }

        let readers = try client.call(ReaderMethod.listReaders.name, [:])[.readers]?.array ?? []
        #expect(readers.compactMap { $0[.name]?.string } == [PCSCRig.reader0])
        for _ in 0..<3 { _ = try client.call(ReaderMethod.verifyPin.name, .fields([.pin: "864209"])) }
        try Self.reset(client, number, pin: "135790")
        #expect(try ChipProbe.pinIs("135790") == .verified)

        let status = try client.call(ReaderMethod.psamStatus.name, [:])
        #expect(status[.module]?.string == "psam" && status[.present]?.bool == true)
        #expect(status[.serial]?.string == "31000000000000000007" && status[.session]?.string == "ready")
        #expect(status[.macsComputed]?.int == 2)
        let (code, output) = try rig.sscardctl(["psam", "status"], uid: DaemonRig.otherUid, groups: [DaemonRig.operatorGid])
        #expect(code == 0 && output.contains("31000000000000000007") && !output.contains("0123456789ABCDEF"), "\(output)")
        #expect(try Self.resets(client, number).last?[.outcome]?.string == "done")
    }

    @Test("the PSAM in a SAM reader of its own (own vpcd entry and channel), beside the holder's reader")
    func psamInAReaderOfItsOwn() throws {
        let layout = try PCSCLayout(friendlyNames: ["Virtual PCD", "Virtual SAM"])
        let (holderReader, samReader) = (layout.reader(0), layout.reader(1))
        let rig = try DaemonRig(extra: """
            security-module = psam
            psam-reader = \(samReader)
            """, start: false, softwareKeys: false)
        let credentials = rig.directory + "/credentials"
        try FileManager.default.createDirectory(atPath: credentials, withIntermediateDirectories: true)
        try "123456\n".write(toFile: credentials + "/psam-pin", atomically: true, encoding: .utf8)
        chmod(credentials + "/psam-pin", 0o400)
        try rig.start(environment: ["PCSCLITE_CSOCK_NAME": layout.socketPath, "CREDENTIALS_DIRECTORY": credentials])
        let client = try Fixture.client(rig)
        let number = try Fixture.issue(48, client: client)
        let psam = try layout.insertPSAM(Self.psamFile, entry: 1, name: "sam-reader-psam")
        defer { psam.terminate() }
        let watcher = try MonitorWatcher(rig)
        let card = try layout.insert(DaemonRig.profile(cardNumber: Fixture.cardNumber(48), cardId: Fixture.cardId(48),
                                                       ssn: Fixture.ssn(48), name: "李四"), entry: 0, name: "holder-48")
        defer { card.terminate() }
        try watcher.wait { $0[.event]?.string == "cardInserted" && $0[.reader]?.string == holderReader && $0[.identity] != nil }

        // The holder's reader is the one listed; the SAM reader never is.
        let listed = try client.call(ReaderMethod.listReaders.name, [:])[.readers]?.array?.compactMap { $0[.name]?.string } ?? []
        #expect(listed.contains(holderReader) && !listed.contains(samReader), "\(listed)")
        for _ in 0..<3 { _ = try? client.call(ReaderMethod.verifyPin.name, .fields([.pin: "864209"])) }
        _ = try client.call(RegistryMethod.resetPassword.name, .fields([
            .cardNumber: .string(number), .reader: .string(holderReader), .newPin: "135790", .evidence: Fixture.idCardAndCard]))
        let verified = try client.call(ReaderMethod.verifyPin.name, .fields([.reader: .string(holderReader), .pin: "135790"]))
        #expect(verified[.result]?.string == "verified", "\(verified)")
        let status = try client.call(ReaderMethod.psamStatus.name, [:])
        #expect(status[.present]?.bool == true && status[.reader]?.string == samReader && status[.macsComputed]?.int == 2,
                "\(status)")
        #expect(try Self.resets(client, number).last?[.outcome]?.string == "done")
    }

    @Test("PSAM absent, or the credential's PIN refused: SecurityModuleFailed, audited, the card unchanged")
    func refusalsAreAudited() throws {
        // No PSAM in slot 1.
        let rig = try Self.rig()
        let client = try Fixture.client(rig)
        let number = try Fixture.issue(41, client: client)
        let card = try Fixture.insert(41, rig: rig)
        defer { Self.remove(card, from: PCSCRig.reader0) }
        let absent = Fixture.error { try Self.reset(client, number, pin: "135790") }
        #expect(absent?.name == ReaderErrorName.securityModuleFailed.name)
        #expect(absent?.parameters[.kind]?.string == "psamAbsent")
        #expect(try ChipProbe.pinIs("123456") == .verified, "the holder's PIN is unchanged")
        let audited = try Self.resets(client, number)
        #expect(audited.last?[.outcome]?.string == "failed")
        #expect(audited.last?[.reason]?.string?.contains("PSAM absent") == true, "\(audited)")
        let status = try client.call(ReaderMethod.psamStatus.name, [:])
        #expect(status[.present]?.bool == false && status[.problem]?.string?.contains("absent") == true)
        rig.stop()

        // A PSAM, and a daemon whose credential holds the wrong operator PIN.
        let psam = try Self.insertPSAM(name: "daemon-psam-pin")
        defer { Self.remove(psam) }
        let wrong = try Self.rig(pin: "999999")
        let second = try Fixture.client(wrong)
        _ = try Fixture.issue(41, client: second)
        let refused = Fixture.error { try Self.reset(second, number, pin: "135790") }
        #expect(refused?.parameters[.kind]?.string == "operatorPinRejected")
        #expect(refused?.parameters[.triesLeft]?.int == 2)
        #expect(try ChipProbe.pinIs("123456") == .verified, "the holder's PIN is unchanged")
        #expect(try Self.resets(second, number).last?[.reason]?.string?.contains("operator PIN") == true)
    }

    @Test("--check-config: psam without a reader, or with issuer keys, or a bad profile, is refused naming the problem")
    func checkConfig() throws {
        let rig = try DaemonRig(extra: "security-module = psam", start: false)
        let binary = PCSCRig.productsDirectory + "/sscardd"
        let (code, output) = try runToEnd(binary, ["--config", rig.configPath, "--check-config"])
        #expect(code == 78 && output.contains("needs psam-reader"), "\(output)")

        let profile = rig.directory + "/psam.profile"
        try "reloadPIN.sm4 = 27".write(toFile: profile, atomically: true, encoding: .utf8)
        let bad = try DaemonRig(extra: "security-module = psam\npsam-reader = SAM\npsam-profile = \(profile)", start: false,
                                softwareKeys: false)
        let (badCode, badOutput) = try runToEnd(binary, ["--config", bad.configPath, "--check-config"])
        #expect(badCode == 78 && badOutput.contains("psam-profile: PSAM profile line 1"), "\(badOutput)")
    }
}
