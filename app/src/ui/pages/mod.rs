//! One module per route.

pub mod application;
pub mod apply;
pub mod console;
pub mod for_you;
pub mod home;
pub mod messages;
pub mod my_applications;
pub mod not_found;
pub mod password_reset;
pub mod profile;
pub mod register;
pub mod satisfaction;
pub mod service_detail;
pub mod services;
pub mod sign_in;
pub mod surveys;
