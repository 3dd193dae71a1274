extension VarlinkInterface {
    /// `org.varlink.service`, which the server itself implements. The text is
    /// served by GetInterfaceDescription, so it must stay valid IDL.
    public static let service = VarlinkInterface(name: "org.varlink.service", description: """
        # Introspection and the errors every varlink service may return.
        interface org.varlink.service

        # Describes this service and lists the interfaces it offers.
        method GetInfo() -> (
          vendor: string,
          product: string,
          version: string,
          url: string,
          interfaces: []string
        )

        # Returns the IDL text of one offered interface.
        method GetInterfaceDescription(interface: string) -> (description: string)

        # No interface of that name is offered here.
        error InterfaceNotFound (interface: string)

        # The interface has no method of that name.
        error MethodNotFound (method: string)

        # The method is declared but this service does not provide it.
        error MethodNotImplemented (method: string)

        # A parameter (or the message itself) is missing or malformed.
        error InvalidParameter (parameter: string)

        # The caller may not use this method.
        error PermissionDenied ()

        # The method must be called with "more": true.
        error ExpectedMore ()

        """)
}
