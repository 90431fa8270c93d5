//! The live connection of a signed-in resident's page: one EventSource on
//! `/api/v1/me/events`, feeding the unread badge, a polite live region, and pages that show
//! an application (they reload it when it changes). Without JavaScript nothing here runs and
//! pages show the state of their last load.

use domain::notification::PushEvent;
use leptos::prelude::*;

/// How long a pushed message stays on screen.
const TOAST_FOR: std::time::Duration = std::time::Duration::from_secs(8);

/// Shared by the layout (badge, announcements) and pages (reload on change).
#[derive(Clone, Copy)]
pub struct Live {
    /// Unread messages; None until the server said.
    pub unread: RwSignal<Option<i64>>,
    /// The latest announcement for screen readers and the toast.
    pub announcement: RwSignal<Option<String>>,
    /// Bumped for every application change: (number, counter).
    pub updated: RwSignal<(String, u64)>,
    /// True once the stream is open (tests wait for it).
    pub connected: RwSignal<bool>,
}

impl Live {
    pub fn provide() -> Self {
        let live = Live {
            unread: RwSignal::new(None),
            announcement: RwSignal::new(None),
            updated: RwSignal::new((String::new(), 0)),
            connected: RwSignal::new(false),
        };
        provide_context(live);
        live
    }

    pub fn apply(&self, event: PushEvent) {
        match event {
            PushEvent::Notification {
                notification,
                unread,
            } => {
                self.unread.set(Some(unread));
                let text = format!("{} {}", notification.title, notification.body);
                self.announcement.set(Some(text.clone()));
                // The toast goes after a while (the inbox keeps the message); a newer one
                // replaces it and keeps its own time.
                let announcement = self.announcement;
                set_timeout(
                    move || {
                        if announcement.get_untracked().as_deref() == Some(text.as_str()) {
                            announcement.set(None);
                        }
                    },
                    TOAST_FOR,
                );
            }
            PushEvent::ApplicationUpdated { number } => {
                self.updated.update(|(n, count)| {
                    *n = number.0;
                    *count += 1;
                });
            }
            // The server turns it into a `notification` for each recipient.
            PushEvent::CampaignSent { .. } => {}
        }
    }
}

pub fn use_live() -> Option<Live> {
    use_context::<Live>()
}

/// Opens the stream once the page is hydrated (browser only).
#[cfg(feature = "hydrate")]
pub fn connect(live: Live) {
    use futures::StreamExt;
    use gloo_net::eventsource::futures::EventSource;

    let Ok(mut source) = EventSource::new("/api/v1/me/events") else {
        return;
    };
    let streams = ["ready", "notification", "application_updated"]
        .into_iter()
        .filter_map(|name| source.subscribe(name).ok())
        .collect::<Vec<_>>();
    leptos::task::spawn_local(async move {
        // The source lives as long as this task: dropping it closes the connection.
        let _source = source;
        let mut events = futures::stream::select_all(streams);
        while let Some(Ok((name, message))) = events.next().await {
            if name == "ready" {
                live.connected.set(true);
                continue;
            }
            let Some(data) = message.data().as_string() else {
                continue;
            };
            if let Ok(event) = serde_json::from_str::<PushEvent>(&data) {
                live.apply(event);
            }
        }
        live.connected.set(false);
    });
}

#[cfg(not(feature = "hydrate"))]
pub fn connect(_live: Live) {}
