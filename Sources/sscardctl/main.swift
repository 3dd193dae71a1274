// sscardctl: the operator's and administrator's client for sscardd. See sscardctl(1).
import Foundation
import SSCardControl

exit(Control.main(Array(CommandLine.arguments.dropFirst())))
