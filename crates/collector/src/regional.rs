//! SDK clients for Regions other than the snapshot's: an ECR image, a secret, a parameter, a log
//! group or a KMS key can live in another Region than the task (the image host, the ARN or the
//! `awslogs-region` option says which). Clients are built from the shared configuration on
//! first use, once per Region, and reused (an SDK client is a cheap handle to shared state).

use std::collections::BTreeMap;
use std::sync::Mutex;

use aws_config::{Region, SdkConfig};

pub(crate) struct Regional<C> {
    config: SdkConfig,
    build: fn(&SdkConfig) -> C,
    clients: Mutex<BTreeMap<String, C>>,
}

impl<C: Clone> Regional<C> {
    /// `build` makes a client from a configuration (`aws_sdk_x::Client::new`).
    pub fn new(config: &SdkConfig, build: fn(&SdkConfig) -> C) -> Self {
        Regional {
            config: config.clone(),
            build,
            clients: Mutex::new(BTreeMap::new()),
        }
    }

    /// The client for `region`.
    pub fn get(&self, region: &str) -> C {
        // A poisoned lock only means another future panicked while inserting; the map is fine.
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        clients
            .entry(region.to_string())
            .or_insert_with(|| {
                let config = self
                    .config
                    .to_builder()
                    .region(Region::new(region.to_string()))
                    .build();
                (self.build)(&config)
            })
            .clone()
    }
}
