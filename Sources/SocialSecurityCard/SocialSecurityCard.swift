import PCSC
/// Placeholder: replaced by the card application.
