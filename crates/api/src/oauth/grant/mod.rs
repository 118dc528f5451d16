//! The grants of `/restapi/oauth/token`, one module each. Each checks its
//! own form fields and answers with [`Granted`](crate::oauth::issue::Granted).

pub mod authorization_code;
pub mod jwt_bearer;
pub mod password;
pub mod refresh_token;
