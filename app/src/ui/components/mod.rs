//! Small building blocks shared by pages.

pub mod back_here;
pub mod facts;
pub mod forms;
pub mod rating;
pub mod read_aloud;
pub mod service_card;
pub mod status;
pub mod status_chip;
pub mod time;
pub mod timeline;
