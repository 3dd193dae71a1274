// Initialisers for values read back from sscard's own store.
//
// The registry validates every value on the way in; validating again on every
// read would cost more than the query itself (a GB18030 round trip for each
// name). These skip the checks and are meant for that one use.

extension SocialSecurityNumber {
    /// A number the registry stored after validating it.
    public init(storedValue: String) { rawValue = storedValue }
}

extension CardNumber {
    /// A card number the registry stored after validating it.
    public init(storedValue: String) { rawValue = storedValue }
}

extension CardIdentificationCode {
    /// A chip identity the registry stored after validating it.
    public init(storedValue: String) { rawValue = storedValue }
}

extension HolderName {
    /// A name the registry stored after validating it.
    public init(storedValue: String) { rawValue = storedValue }
}
