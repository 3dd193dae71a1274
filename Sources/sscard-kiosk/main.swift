// sscard-kiosk: the self-service terminal on a tty, a kiosk-role client of sscardd. See docs/kiosk.md.
import Foundation
import SSCardKiosk

exit(Kiosk.main(Array(CommandLine.arguments.dropFirst()), environment: ProcessInfo.processInfo.environment))
