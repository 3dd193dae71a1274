/// Card profiles for the integration tests, as sscard-vcard reads them.
enum Profiles {
    /// A long name: 36 GB18030 bytes, so 6 spill into the 4E extension,
    /// ending in U+20000, which GB18030 writes with 4 bytes.
    static let longName = "阿卜杜热合曼·买买提依明·艾力𠀀"

    static let keys3DES = """
        {"reloadPIN.3des": "0123456789ABCDEFFEDCBA9876543210",
         "unblockPIN.3des": "00112233445566778899AABBCCDDEEFF",
         "applicationMaintenance.3des": "FFEEDDCCBBAA99887766554433221100"}
        """
    static let keysSM4 = """
        {"reloadPIN.sm4": "0123456789ABCDEFFEDCBA9876543210",
         "unblockPIN.sm4": "00112233445566778899AABBCCDDEEFF",
         "applicationMaintenance.sm4": "FFEEDDCCBBAA99887766554433221100"}
        """

    /// The key file the test's security module loads: the same masters.
    static let keyFile = """
        reloadPIN.3des = 0123456789ABCDEFFEDCBA9876543210
        unblockPIN.3des = 00112233445566778899AABBCCDDEEFF
        applicationMaintenance.3des = FFEEDDCCBBAA99887766554433221100
        reloadPIN.sm4 = 0123456789ABCDEFFEDCBA9876543210
        unblockPIN.sm4 = 00112233445566778899AABBCCDDEEFF
        applicationMaintenance.sm4 = FFEEDDCCBBAA99887766554433221100
        """

    /// Generation 2, T=0, long name.
    static func generation2(faults: String = "{}") -> String {
        """
        {"protocol": "T=0", "cardId": "639900D15600000500BF7C7A48FB4966", "cardCategory": "3",
         "specVersion": "2.00", "issueDate": "2010-10-01", "expiryDate": "2020-10-01",
         "cardNumber": "X00000019", "ssn": "11010519491231002X", "name": "\(longName)",
         "sex": "1", "ethnicity": "01", "birthplace": "110105", "birthDate": "1949-12-31",
         "pin": "123456", "pinTries": 3, "pinMaxTries": 3, "keys": \(keys3DES), "faults": \(faults)}
        """
    }

    /// Generation 3, T=1, short name (no extension record).
    static func generation3(faults: String = "{}") -> String {
        """
        {"protocol": "T=1", "cardId": "140500D1560000050012345678ABCDEF", "cardCategory": "3",
         "specVersion": "3.00", "issueDate": "2023-05-20", "expiryDate": "2033-05-20",
         "cardNumber": "A12345674", "ssn": "140502198811230027", "name": "张三",
         "sex": "2", "ethnicity": "03", "birthplace": "140502", "birthDate": "1988-11-23",
         "pin": "654321", "keys": \(keysSM4), "faults": \(faults)}
        """
    }
}
