import Foundation
import Glibc

/// A private pcscd of its own whose vpcd readers are named as the slots of a
/// multi-slot reader ("… ICC", "… PICC", "… SAM", or names that say
/// nothing): one reader.conf per layout. vpcd names each entry's two slots
/// "FRIENDLYNAME 00 00" and "FRIENDLYNAME 00 01".
///
/// Only sscardd (started with `PCSCLITE_CSOCK_NAME = socketPath`) and the
/// virtual cards (over vpcd's TCP ports) talk to it: libpcsclite in the test
/// process reads that variable once, for the shared `PCSCRig`. The default
/// rig's two holder slots are left as they are.
public final class PCSCLayout: @unchecked Sendable {
    public let directory: String
    public let socketPath: String
    /// Each vpcd entry's friendly name and its first port (slot 1 on port + 1).
    public let entries: [(name: String, port: UInt16)]
    private var pcscd: ChildProcess?

    public init(friendlyNames: [String]) throws {
        directory = NSTemporaryDirectory() + "sscard-layout-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        socketPath = directory + "/pcscd.comm"
        var entries: [(String, UInt16)] = []
        var conf = ""
        for (index, name) in friendlyNames.enumerated() {
            // vpcd keeps its slots in static state, indexed by slot number
            // alone: two entries loaded from one file would share them. A
            // copy of the driver per entry is a library of its own to dlopen.
            let driver = directory + "/libifdvpcd-\(index).so"
            // The package's path is a symlink; copy the library it names.
            let library = URL(fileURLWithPath: "/usr/lib/pcsc/drivers/serial/libifdvpcd.so").resolvingSymlinksInPath()
            try FileManager.default.copyItem(atPath: library.path, toPath: driver)
            var port = try PCSCRig.freePortPair()
            while entries.contains(where: { $0.1 == port }) { port = try PCSCRig.freePortPair() }
            entries.append((name, port))
            let hex = String(port, radix: 16)
            conf += """
                FRIENDLYNAME "\(name)"
                DEVICENAME   /dev/null:0x\(hex)
                LIBPATH      \(driver)
                CHANNELID    0x\(hex)


                """
        }
        self.entries = entries
        try conf.write(toFile: directory + "/reader.conf", atomically: true, encoding: .utf8)
        let daemon = try ChildProcess(
            name: "pcscd-layout", executable: "/usr/bin/systemd-socket-activate",
            arguments: ["-l", socketPath, "/usr/sbin/pcscd", "--foreground", "-c", directory + "/reader.conf"],
            logPath: directory + "/pcscd.log")
        try daemon.waitForLine(containing: "Listening on")
        pcscd = daemon
        PCSCRig.poke(socketPath)
    }

    /// The PC/SC name of entry `index`'s slot.
    public func reader(_ index: Int, slot: Int = 0) -> String {
        entries[index].name + (slot == 0 ? " 00 00" : " 00 01")
    }

    /// Puts a virtual card with `json` into entry `index`'s slot.
    public func insert(_ json: String, entry index: Int, slot: Int = 0, name: String) throws -> ChildProcess {
        try startVirtual(json, kind: "--profile", suffix: "json", entry: index, slot: slot, name: name)
    }

    /// Puts the virtual PSAM described by `text` (sscard-vcard --psam) into entry `index`'s slot.
    public func insertPSAM(_ text: String, entry index: Int, slot: Int = 0, name: String) throws -> ChildProcess {
        try startVirtual(text, kind: "--psam", suffix: "conf", entry: index, slot: slot, name: name)
    }

    /// Starts sscard-vcard on the slot's port with `text` as its `kind` file, once it listens.
    private func startVirtual(_ text: String, kind: String, suffix: String, entry index: Int, slot: Int,
                              name: String) throws -> ChildProcess {
        let port = entries[index].port + UInt16(slot)
        let path = directory + "/\(name)-\(index)-\(slot).\(suffix)"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let binary = PCSCRig.productsDirectory + "/sscard-vcard"
        guard FileManager.default.isExecutableFile(atPath: binary) else { throw RigError.missing(binary) }
        let process = try ChildProcess(name: name, executable: binary, arguments: ["--port", String(port), kind, path],
                                       logPath: directory + "/\(name).log")
        try process.waitForLine(containing: "ready port \(port)")
        return process
    }

    deinit {
        pcscd?.terminate(signal: SIGKILL)
        // SSCARD_KEEP_RIG=1 keeps the logs for a post-mortem, as PCSCRig does.
        if ProcessInfo.processInfo.environment["SSCARD_KEEP_RIG"] == nil {
            try? FileManager.default.removeItem(atPath: directory)
        }
    }
}
