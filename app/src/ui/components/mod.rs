//! Small building blocks shared by pages.

pub mod facts;
pub mod service_card;
pub mod status;
