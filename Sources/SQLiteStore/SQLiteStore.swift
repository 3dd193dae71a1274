/// Placeholder: replaced by the SQLite store.
