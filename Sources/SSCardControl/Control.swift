import Foundation
import SSCardInterfaces
import Varlink
import SSCardValues

/// sscardctl: one subcommand per daemon method, readable tables by default
/// and JSON with --json.
public enum Control {
    public static func main(_ words: [String]) -> Int32 {
        let labels = Labels()
        let arguments: Arguments
        do {
            arguments = try Arguments(words)
        } catch {
            return fail("sscardctl: \(error)\n\(usage)", .usage)
        }
        guard let name = arguments.positional.first, name != "help", !arguments.flag("help") else {
            print(usage)
            return ExitCode.success.rawValue
        }
        guard let command = commands[name] else { return fail("sscardctl: unknown command '\(name)'\n\(usage)", .usage) }
        let socket = arguments.option("socket") ?? ProcessInfo.processInfo.environment["SSCARD_SOCKET"]
            ?? "/run/sscard/sscard.sock"
        do {
            if name == "import-batch" {
                if let unknown = arguments.unknown(allowed: command.options) {
                    throw UsageError("unknown option --\(unknown) for '\(name)'")
                }
                // The commit checks and applies the whole batch: minutes for the largest.
                let client = try VarlinkClient(path: socket, timeout: .seconds(900))
                defer { client.close() }
                return try BatchImport.run(arguments, client: client, labels: labels).rawValue
            }
            let request = try command.build(arguments)
            if let unknown = arguments.unknown(allowed: command.options) {
                throw UsageError("unknown option --\(unknown) for '\(name)'")
            }
            let client = try VarlinkClient(path: socket, timeout: request.more ? nil : .seconds(60))
            defer { client.close() }
            if let run = command.run {
                try run(request, arguments, client, labels)
            } else if request.progress {
                var verdict = ExitCode.success
                try client.stream(request.method, request.parameters) { reply in
                    if reply[.progress]?.bool == true {
                        showProgress(reply)
                        return true
                    }
                    showProgress(nil)
                    print(arguments.flag("json") ? reply.description : render(reply, command.render, labels))
                    if reply[.intact]?.bool == false { verdict = .auditNotIntact }
                    return true
                }
                return verdict.rawValue
            } else if request.more {
                try client.stream(request.method, request.parameters) { reply in
                    // Straight to the file descriptor: a stream must not wait in a stdio buffer.
                    let line = (arguments.flag("json") ? reply.description : render(reply, command.render, labels)) + "\n"
                    FileHandle.standardOutput.write(Data(line.utf8))
                    return true
                }
            } else {
                var step: Command.Request? = request
                while let current = step {
                    let reply = try client.call(current.method, current.parameters)
                    print(arguments.flag("json") ? reply.description
                          : render(reply, current.rendering ?? command.render, labels))
                    step = try current.then?(reply)
                    if step != nil && !arguments.flag("json") { print() }
                }
            }
            return ExitCode.success.rawValue
        } catch let error as UsageError {
            return fail("sscardctl: \(error)\n\(usage)", .usage)
        } catch let error as VarlinkError {
            if arguments.flag("json") {
                print((["error": .string(error.name), "parameters": error.parameters] as JSONValue).description)
            } else {
                if let sentence = labels.explain(error) {
                    FileHandle.standardError.write(Data("sscardctl: \(sentence)\n".utf8))
                }
                FileHandle.standardError.write(Data("sscardctl: \(describe(error))\n".utf8))
                if error.is(.registryUnavailable) {
                    FileHandle.standardError.write(Data((labels.registryUnavailableHint + "\n").utf8))
                }
            }
            return exitCode(for: error).rawValue
        } catch let error as VarlinkTransportError {
            return fail("sscardctl: cannot talk to sscardd at \(socket): \(error)", isConnectFailure(error) ? .unreachable : .failure)
        } catch {
            return fail("sscardctl: \(error)", .failure)
        }
    }

    /// A long call's progress on the terminal, overwritten in place; nothing
    /// when stderr is not a terminal (scripts read only the result). Nil clears the line.
    static func showProgress(_ reply: JSONValue?) {
        guard isatty(STDERR_FILENO) == 1 else { return }
        guard let reply else {
            FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
            return
        }
        let checked = reply[.entriesChecked]?.int ?? 0
        let from = reply[.from]?.int ?? 1
        FileHandle.standardError.write(Data("\r\u{1B}[Kverifying: \(checked) entries checked (from entry \(from))".utf8))
    }

    static func fail(_ message: String, _ code: ExitCode) -> Int32 {
        FileHandle.standardError.write(Data((message + "\n").utf8))
        return code.rawValue
    }

    /// By the error's member name, whichever interface raised it: both
    /// org.sscard interfaces declare PermissionDenied, and org.varlink.service
    /// raises the usage errors a mistyped call meets first.
    static func exitCode(for error: VarlinkError) -> ExitCode {
        switch error.name.split(separator: ".").last.map(String.init) ?? "" {
        case RegistryErrorName.permissionDenied.rawValue, ReaderErrorName.permissionDenied.rawValue:
            return .permissionDenied
        case "InvalidParameter", "MethodNotFound", "InterfaceNotFound", RegistryErrorName.invalidValue.rawValue,
             ReaderErrorName.pinFormat.rawValue:
            return .usage
        case RegistryErrorName.registryUnavailable.rawValue, RegistryErrorName.storageFull.rawValue:
            return .registryUnavailable
        case ReaderErrorName.readerUnavailable.rawValue, ReaderErrorName.cardFailed.rawValue,
             ReaderErrorName.readerUnresponsive.rawValue, ReaderErrorName.readerBusy.rawValue:
            return .failure
        default:
            return .refused
        }
    }

    static func isConnectFailure(_ error: VarlinkTransportError) -> Bool {
        "\(error)".contains("connect")
    }

    /// "CardNotFound: cardNumber=X00000019".
    static func describe(_ error: VarlinkError) -> String {
        let short = error.name.split(separator: ".").last.map(String.init) ?? error.name
        let details = (error.parameters.object ?? [:]).sorted { $0.key < $1.key }
            .map { "\($0.key)=\(PrintableText.escaped(TextTable.text($0.value)))" }.joined(separator: ", ")
        return details.isEmpty ? short : "\(short): \(details)"
    }
}
