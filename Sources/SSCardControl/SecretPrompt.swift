import Foundation

/// Reads a PIN without echo from the terminal, or as one line from standard
/// input when that is not a terminal (scripts). PINs are never taken from the
/// command line, where other users could read them in the process list.
enum SecretPrompt {
    static func read(_ prompt: String) throws(UsageError) -> String {
        if isatty(STDIN_FILENO) == 1 {
            FileHandle.standardError.write(Data(prompt.utf8))
            var original = termios()
            tcgetattr(STDIN_FILENO, &original)
            var silent = original
            silent.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent)
            defer {
                tcsetattr(STDIN_FILENO, TCSAFLUSH, &original)
                FileHandle.standardError.write(Data("\n".utf8))
            }
            guard let line = Swift.readLine() else { throw UsageError("no PIN entered") }
            return line
        }
        guard let line = Swift.readLine() else { throw UsageError("expected a PIN line on standard input") }
        return line
    }
}
