import SSCardInterfaces
import SSCardValues
import Varlink

/// The validated values the interfaces take, by parameter name.
extension Parameters {
    public func cardNumber(_ key: WireKey) throws(VarlinkError) -> CardNumber {
        try value(key) { text throws(ValueError) in try CardNumber(text) }
    }

    public func optionalCardNumber(_ key: WireKey) throws(VarlinkError) -> CardNumber? {
        try optionalValue(key) { text throws(ValueError) in try CardNumber(text) }
    }

    public func ssn(_ key: WireKey) throws(VarlinkError) -> SocialSecurityNumber {
        try value(key) { text throws(ValueError) in try SocialSecurityNumber(text) }
    }

    public func optionalSSN(_ key: WireKey) throws(VarlinkError) -> SocialSecurityNumber? {
        try optionalValue(key) { text throws(ValueError) in try SocialSecurityNumber(text) }
    }

    public func holderName(_ key: WireKey) throws(VarlinkError) -> HolderName {
        try value(key) { text throws(ValueError) in try HolderName(text) }
    }

    public func optionalHolderName(_ key: WireKey) throws(VarlinkError) -> HolderName? {
        try optionalValue(key) { text throws(ValueError) in try HolderName(text) }
    }

    public func cardId(_ key: WireKey) throws(VarlinkError) -> CardIdentificationCode {
        try value(key) { text throws(ValueError) in try CardIdentificationCode(text) }
    }
}

/// Free text, checked by `PrintableText.checked`: the limits of what a caller
/// may type into the registry and its audit trail.
extension Parameters {
    /// How long each kind of free text may be, in characters.
    public enum TextLimit {
        /// A reason: a sentence or two, not a way to grow the audit by a megabyte a call.
        public static let reason = 500
        public static let phone = 32
        public static let address = 200
        /// A service point's name, as a report or an export names it.
        public static let servicePoint = 128
    }

    public func optionalText(_ key: WireKey, limit: Int) throws(VarlinkError) -> String? {
        try optionalValue(key) { text throws(ValueError) in
            try PrintableText.checked(text, field: key.rawValue, limit: limit)
        }
    }

    public func text(_ key: WireKey, limit: Int) throws(VarlinkError) -> String {
        try value(key) { text throws(ValueError) in try PrintableText.checked(text, field: key.rawValue, limit: limit) }
    }

    /// The call's `reason`, if it gives one.
    public func optionalReason() throws(VarlinkError) -> String? { try optionalText(.reason, limit: TextLimit.reason) }
}
