// Writes documentation artefacts that are generated from the code.
//   sscard-docgen lifecycle   the card state diagram as Graphviz dot
import Foundation
import Registry

switch CommandLine.arguments.dropFirst().first {
case "lifecycle":
    print(CardLifecycle.graphviz(), terminator: "")
default:
    FileHandle.standardError.write(Data("usage: sscard-docgen lifecycle\n".utf8))
    exit(64)
}
