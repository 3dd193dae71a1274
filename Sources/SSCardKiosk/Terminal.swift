#if canImport(Glibc)
import Glibc
#endif

/// The tty: raw mode, the alternate screen, a hidden cursor, and frames
/// written whole. `restore()` puts everything back; it runs on normal exit
/// and from the loop when SIGTERM, SIGINT or SIGHUP arrives.
final class Terminal {
    let input = STDIN_FILENO
    let output = STDOUT_FILENO
    private var original = termios()
    private var isRaw = false
    private var shown: [String] = []

    init() throws(KioskUsageError) {
        guard isatty(input) == 1, isatty(output) == 1 else {
            throw KioskUsageError("standard input and output must be a terminal")
        }
        guard tcgetattr(input, &original) == 0 else { throw KioskUsageError("cannot read the terminal's settings") }
    }

    func enter() {
        var raw = original
        raw.c_iflag &= ~tcflag_t(BRKINT | ICRNL | INPCK | ISTRIP | IXON)
        raw.c_oflag &= ~tcflag_t(OPOST)
        raw.c_cflag |= tcflag_t(CS8)
        // No ISIG: a passer-by's Ctrl-C or Ctrl-Z must not stop a kiosk.
        raw.c_lflag &= ~tcflag_t(ECHO | ICANON | IEXTEN | ISIG)
        withUnsafeMutableBytes(of: &raw.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        tcsetattr(input, TCSAFLUSH, &raw)
        isRaw = true
        // Alternate screen, hidden cursor, no autowrap, cleared.
        put("\u{1B}[?1049h\u{1B}[?25l\u{1B}[?7l\u{1B}[0m\u{1B}[2J")
    }

    func restore() {
        guard isRaw else { return }
        isRaw = false
        put("\u{1B}[0m\u{1B}[?7h\u{1B}[?25h\u{1B}[?1049l")
        tcsetattr(input, TCSAFLUSH, &original)
    }

    /// Columns and rows from TIOCGWINSZ; 80×24 if the tty will not say.
    func size() -> (columns: Int, rows: Int) {
        var size = winsize()
        let result = withUnsafeMutablePointer(to: &size) { ioctl(output, UInt(TIOCGWINSZ), $0) }
        guard result == 0, size.ws_col > 0, size.ws_row > 0 else { return (80, 24) }
        return (Int(size.ws_col), Int(size.ws_row))
    }

    /// Writes the lines that changed since the last frame.
    func draw(_ lines: [String]) {
        var frame = ""
        for (index, line) in lines.enumerated() where index >= shown.count || shown[index] != line {
            frame += "\u{1B}[\(index + 1);1H\u{1B}[0m" + line
        }
        shown = lines
        if !frame.isEmpty { put(frame) }
    }

    /// Forgets the last frame and clears, so the next draw is complete (after a resize).
    func invalidate() {
        shown = []
        put("\u{1B}[0m\u{1B}[2J")
    }

    private func put(_ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { write(output, $0.baseAddress! + offset, $0.count - offset) }
            if written > 0 {
                offset += written
            } else if written < 0, errno == EINTR || errno == EAGAIN {
                continue
            } else {
                return
            }
        }
        bytes.removeAll()
    }
}

/// Signals become bytes on a pipe the loop polls: the handler only writes.
enum SignalPipe {
    nonisolated(unsafe) static var writeDescriptor: Int32 = -1
    nonisolated(unsafe) static var readDescriptor: Int32 = -1

    static func install(_ signals: [Int32]) {
        var descriptors: [Int32] = [-1, -1]
        guard pipe(&descriptors) == 0 else { return }
        for descriptor in descriptors {
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        }
        readDescriptor = descriptors[0]
        writeDescriptor = descriptors[1]
        for number in signals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { number in
                var byte = UInt8(truncatingIfNeeded: number)
                let saved = errno
                _ = write(SignalPipe.writeDescriptor, &byte, 1)
                errno = saved
            }
            action.sa_flags = SA_RESTART
            sigemptyset(&action.sa_mask)
            sigaction(number, &action, nil)
        }
    }

    /// The signals that arrived since the last call.
    static func drain() -> [Int32] {
        var bytes = [UInt8](repeating: 0, count: 64)
        var received: [Int32] = []
        while true {
            let count = read(readDescriptor, &bytes, bytes.count)
            guard count > 0 else { break }
            received += bytes[0..<count].map { Int32($0) }
        }
        return received
    }
}
