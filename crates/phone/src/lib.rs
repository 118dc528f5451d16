//! The phone system: the account model in RingCentral's terms and the pure
//! rules that decide where each call goes.
