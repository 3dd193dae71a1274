import SSCardValues
import Varlink

/// The validated values the interfaces take, by parameter name.
extension Parameters {
    public func cardNumber(_ name: String) throws(VarlinkError) -> CardNumber {
        try value(name) { text throws(ValueError) in try CardNumber(text) }
    }

    public func optionalCardNumber(_ name: String) throws(VarlinkError) -> CardNumber? {
        try optionalValue(name) { text throws(ValueError) in try CardNumber(text) }
    }

    public func ssn(_ name: String) throws(VarlinkError) -> SocialSecurityNumber {
        try value(name) { text throws(ValueError) in try SocialSecurityNumber(text) }
    }

    public func optionalSSN(_ name: String) throws(VarlinkError) -> SocialSecurityNumber? {
        try optionalValue(name) { text throws(ValueError) in try SocialSecurityNumber(text) }
    }

    public func holderName(_ name: String) throws(VarlinkError) -> HolderName {
        try value(name) { text throws(ValueError) in try HolderName(text) }
    }

    public func optionalHolderName(_ name: String) throws(VarlinkError) -> HolderName? {
        try optionalValue(name) { text throws(ValueError) in try HolderName(text) }
    }

    public func cardId(_ name: String) throws(VarlinkError) -> CardIdentificationCode {
        try value(name) { text throws(ValueError) in try CardIdentificationCode(text) }
    }
}
