//! The SIP layer: message syntax, transports, transactions, dialogs, digest
//! authentication, and the registrar with its location service.
