//! The account model, in RingCentral platform terms and field names.
