import Foundation
import Glibc
import VirtualCard

/// One virtual card plugged into one vpcd slot over TCP.
///
/// vpcd listens; we connect, which is "card inserted". Every message both
/// ways is a 2-byte big-endian length and a payload; a 1-byte payload is a
/// control code (0 power off, 1 power on, 2 reset, 4 get ATR), anything
/// longer is an APDU. Closing the socket is "card removed". If vpcd goes
/// away (pcscd restarted) we connect again, so the card comes back with it.
final class VPCDSlot: @unchecked Sendable {
    let port: UInt16
    let profilePath: String
    let card: VirtualSSCard
    private let output: LineOutput
    /// Print each command's header (never its data): `--trace headers`.
    private let traceHeaders: Bool
    private let lock = NSLock()
    private var socket: Int32 = -1
    private var stopped = false

    init(port: UInt16, profilePath: String, card: VirtualSSCard, output: LineOutput, traceHeaders: Bool = false) {
        self.traceHeaders = traceHeaders
        self.port = port
        self.profilePath = profilePath
        self.card = card
        self.output = output
    }

    /// The slot's thread body: connect, serve, reconnect until stopped or
    /// the card vanishes on purpose.
    func run() {
        var backoff: UInt32 = 20_000
        while !isStopped {
            guard let fd = connectOnce() else {
                usleep(backoff)  // vpcd not listening yet: no event to wait for
                backoff = min(backoff * 2, 500_000)
                continue
            }
            backoff = 20_000
            output.line("sscard-vcard: ready port \(port) profile \(profilePath)")
            let outcome = serve(fd)
            closeSocket()
            switch outcome {
            case .vanished:
                output.line("sscard-vcard: vanished port \(port)")
                return
            case .disconnected:
                if !isStopped { output.line("sscard-vcard: disconnected port \(port)") }
            }
        }
    }

    /// Closes the socket; the thread then ends.
    func stop() {
        lock.withLock { stopped = true }
        closeSocket()
    }

    private var isStopped: Bool { lock.withLock { stopped } }

    private func closeSocket() {
        lock.withLock {
            if socket >= 0 {
                shutdown(socket, Int32(SHUT_RDWR))
                close(socket)
                socket = -1
            }
        }
    }

    private func connectOnce() -> Int32? {
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var one: Int32 = 1
        // Without NODELAY, Nagle + delayed ACK cost ~40 ms per APDU.
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(fd)
            return nil
        }
        let kept: Bool = lock.withLock {
            guard !stopped else { return false }
            socket = fd
            return true
        }
        if !kept { close(fd) }
        return kept ? fd : nil
    }

    private enum Outcome { case vanished, disconnected }

    private func serve(_ fd: Int32) -> Outcome {
        card.inserted()
        var silent = false
        while true {
            guard let header = read(fd, count: 2) else { return .disconnected }
            let length = Int(header[0]) << 8 | Int(header[1])
            guard let message = read(fd, count: length) else { return .disconnected }
            if message.count == 1 {
                switch message[0] {
                case 0, 1, 2: card.reset()  // power off / on / reset: no reply
                case 4: guard write(fd, card.atr) else { return .disconnected }
                default: break
                }
                continue
            }
            if traceHeaders {
                let header = message.prefix(4).map { String(format: "%02X", $0) }.joined(separator: " ")
                output.line("sscard-vcard: port \(port) apdu \(header)")
            }
            let reply = card.process(message)
            let delay = card.profile.faults.delayMilliseconds
            if delay > 0 { usleep(UInt32(delay) * 1000) }
            switch reply {
            case .vanish: return .vanished
            case .silence:
                // Once: the test waits for this line, not for a guessed time.
                if !silent { output.line("sscard-vcard: silent port \(port)") }
                silent = true
            case .respond(let bytes): guard write(fd, bytes) else { return .disconnected }
            }
        }
    }

    private func read(_ fd: Int32, count: Int) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            var one: Int32 = 1
            // Quick ACK is reset by the kernel after each ACK, so set it
            // before every read to keep vpcd from waiting for our ACK.
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_QUICKACK, &one, socklen_t(MemoryLayout<Int32>.size))
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress! + filled, count - filled, 0) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return nil }
            filled += n
        }
        return buffer
    }

    private func write(_ fd: Int32, _ payload: [UInt8]) -> Bool {
        let frame = [UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)] + payload
        var sent = 0
        while sent < frame.count {
            let n = frame.withUnsafeBytes { send(fd, $0.baseAddress! + sent, frame.count - sent, Int32(MSG_NOSIGNAL)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return false }
            sent += n
        }
        return true
    }
}
