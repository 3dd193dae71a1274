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
