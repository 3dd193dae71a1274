// Decodes one card's identity records in a loop, for profilers (perf,
// callgrind): the CPU cost of CardIdentity without any I/O.
import Foundation
import PCSC
import SocialSecurityCard
import SSCardValues
import VirtualCard

let count = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 100_000
let profile = try CardProfile(json: Data("""
    {"protocol": "T=1", "cardId": "639900D15600000500BF7C7A48FB4966", "cardCategory": "3", "specVersion": "2.00",
     "issueDate": "2010-10-01", "expiryDate": "2020-10-01", "cardNumber": "X00000019", "ssn": "11010519491231002X",
     "name": "阿卜杜热合曼·买买提依明·艾力𠀀", "sex": "1", "ethnicity": "01", "birthplace": "110105",
     "birthDate": "1949-12-31", "pin": "123456"}
    """.utf8))
let card = VirtualCardChannel(card: VirtualSSCard(profile: profile))
var responses: [CardField: ResponseAPDU] = [:]
_ = try card.transmit(CommandAPDU(bytes: [0x00, 0xA4, 0x04, 0x00, 0x0F] + SocialSecurityApplication.applicationName)!)
for field in CardField.identityFields {
    let read = field.readCommand
    responses[field] = try card.transmit(CommandAPDU(cla: 0x00, ins: 0xB2, p1: read.p1, p2: read.p2, le: read.le))
}
let start = DispatchTime.now().uptimeNanoseconds
var sink = 0
for _ in 0..<count { sink &+= try CardIdentity(responses: responses, atr: card.atr).name.rawValue.utf8.count }
let nanoseconds = Double(DispatchTime.now().uptimeNanoseconds - start) / Double(count)
print("\(count) decodes: \(String(format: "%.1f", nanoseconds / 1000)) µs each (\(sink))")
