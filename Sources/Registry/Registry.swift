/// Placeholder: replaced by the registry.
