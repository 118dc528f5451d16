//! The REST resources under `/restapi`, one module per resource; each
//! declares its operations (throttling group, app permission) beside its
//! routes.

pub mod account;
pub mod active_calls;
pub mod answering_rule;
pub mod business_hours;
pub mod call_log;
pub mod company_answering_rule;
pub mod device;
pub mod directory;
pub mod extension;
pub mod forwarding_number;
pub mod ivr_menu;
pub mod ivr_prompt;
pub mod message_store;
pub mod phone_number;
pub mod presence;
pub mod version;

use axum::Router;

use crate::state::AppState;

/// Every resource route.
pub fn routes(state: &AppState) -> Router<AppState> {
    Router::new()
        .merge(version::routes())
        .merge(account::routes(state))
        .merge(extension::routes(state))
        .merge(presence::routes(state))
        .merge(phone_number::routes(state))
        .merge(directory::routes(state))
        .merge(business_hours::routes(state))
        .merge(answering_rule::routes(state))
        .merge(company_answering_rule::routes(state))
        .merge(forwarding_number::routes(state))
        .merge(call_log::routes(state))
        .merge(message_store::routes(state))
        .merge(active_calls::routes(state))
        .merge(ivr_menu::routes(state))
        .merge(ivr_prompt::routes(state))
        .merge(device::routes(state))
}
