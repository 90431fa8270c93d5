//! What every HTTP edge shares: the one error shape, the request's language and mode, the
//! client address and a safe `next`, form and multipart bodies, the cross-site check and the
//! security headers, the flood limit, the copies of catalogue pages served to visitors
//! without a session. The router that puts the edges together is `routes`.

pub mod client;
pub mod cookies;
pub mod csrf;
pub mod error;
pub mod form;
pub mod language;
pub mod locale;
pub mod mode;
pub mod page_cache;
pub mod rate_limit;
pub mod request;
pub mod secure_headers;
pub mod static_files;
pub mod upload;
