import Foundation
import VirtualCard

/// Profile texts shared by the virtual card tests.
enum Fixtures {
    static let longName = "阿卜杜热合曼·买买提依明·艾力𠀀"

    static func profileJSON(protocol transmission: String = "T=0", name: String = longName,
                            specVersion: String = "2.00", extra: String = "") -> String {
        """
        {
          "protocol": "\(transmission)",
          "cardId": "639900D15600000500BF7C7A48FB4966",
          "specVersion": "\(specVersion)",
          "issueDate": "2020-10-01", "expiryDate": "2030-10-01",
          "cardNumber": "X00000019",
          "ssn": "11010519491231002X",
          "name": "\(name)",
          "sex": "2", "ethnicity": "01", "birthplace": "110105", "birthDate": "1949-12-31",
          "pin": "123456",
          "keys": {"reloadPIN.3des": "0123456789ABCDEFFEDCBA9876543210",
                   "unblockPIN.3des": "00112233445566778899AABBCCDDEEFF",
                   "applicationMaintenance.3des": "FFEEDDCCBBAA99887766554433221100"}
          \(extra)
        }
        """
    }

    static func profile(_ text: String = profileJSON()) throws -> CardProfile {
        try CardProfile(json: Data(text.utf8))
    }
}
