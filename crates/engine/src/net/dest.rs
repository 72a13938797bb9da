//! What a task must reach over its ENI, derived from its task definition and platform version
//! (reference §2, "Destinations the task must reach", and §0.4 for 1.3.0 versus 1.4.0).

use fd_snapshot::TaskDefinition;

use crate::image::{self, ImageSource};
use crate::platform::PlatformVersion;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Service {
    EcrApi,
    EcrDkr,
    S3,
    Logs,
    SecretsManager,
    Ssm,
    /// A registry other than private ECR: reachable only over the internet.
    Internet,
}

impl Service {
    /// The suffix of the VPC endpoint service name (`com.amazonaws.<region>.<suffix>`).
    pub fn endpoint_suffix(self) -> Option<&'static str> {
        Some(match self {
            Service::EcrApi => "ecr.api",
            Service::EcrDkr => "ecr.dkr",
            Service::S3 => "s3",
            Service::Logs => "logs",
            Service::SecretsManager => "secretsmanager",
            Service::Ssm => "ssm",
            Service::Internet => return None,
        })
    }

    pub fn label(self) -> &'static str {
        match self {
            Service::EcrApi => "ECR API (auth token)",
            Service::EcrDkr => "ECR registry",
            Service::S3 => "S3 (image layers)",
            Service::Logs => "CloudWatch Logs",
            Service::SecretsManager => "Secrets Manager",
            Service::Ssm => "SSM Parameter Store",
            Service::Internet => "public registry",
        }
    }
}

/// One destination the task needs, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destination {
    pub service: Service,
    pub region: String,
    /// The hostname the task connects to.
    pub host: String,
    /// What in the task definition needs it ("image … of container web").
    pub reasons: Vec<String>,
}

impl Destination {
    pub fn endpoint_service_name(&self) -> Option<String> {
        self.service
            .endpoint_suffix()
            .map(|s| format!("com.amazonaws.{}.{s}", self.region))
    }

    /// "ECR registry (123.dkr.ecr.us-east-1.amazonaws.com)".
    pub fn describe(&self) -> String {
        format!("{} ({})", self.service.label(), self.host)
    }
}

/// Region of an ARN (`arn:aws:ssm:eu-west-1:…`), if the value is an ARN.
pub fn arn_region(value: &str) -> Option<&str> {
    let mut it = value.splitn(6, ':');
    (it.next()? == "arn").then_some(())?;
    let _partition = it.next()?;
    let _service = it.next()?;
    it.next().filter(|r| !r.is_empty())
}

fn arn_service(value: &str) -> Option<&str> {
    let mut it = value.splitn(6, ':');
    (it.next()? == "arn").then_some(())?;
    it.next()?;
    it.next()
}

/// The destinations of `td` for a task in `region` on platform `pv`, in a stable order.
pub fn destinations(td: &TaskDefinition, pv: &PlatformVersion, region: &str) -> Vec<Destination> {
    let mut out: Vec<Destination> = Vec::new();
    let mut add = |service: Service, region: &str, host: String, reason: String| {
        if let Some(d) = out
            .iter_mut()
            .find(|d| d.service == service && d.region == region && d.host == host)
        {
            if !d.reasons.contains(&reason) {
                d.reasons.push(reason);
            }
        } else {
            out.push(Destination {
                service,
                region: region.to_string(),
                host,
                reasons: vec![reason],
            });
        }
    };
    for c in &td.containers {
        match image::parse(&c.image) {
            ImageSource::PrivateEcr {
                region: r, host, ..
            } => {
                let why = format!("image {} of container {}", c.image, c.name);
                if !pv.legacy {
                    add(
                        Service::EcrApi,
                        &r,
                        format!("api.ecr.{r}.amazonaws.com"),
                        why.clone(),
                    );
                }
                add(Service::EcrDkr, &r, host, why.clone());
                add(
                    Service::S3,
                    &r,
                    format!("prod-{r}-starport-layer-bucket.s3.{r}.amazonaws.com"),
                    why,
                );
            }
            ImageSource::Other { registry } => {
                let host = if registry == "docker.io" {
                    "registry-1.docker.io".to_string()
                } else {
                    registry
                };
                add(
                    Service::Internet,
                    region,
                    host,
                    format!("image {} of container {}", c.image, c.name),
                );
            }
        }
        if let Some(lc) = &c.log_configuration {
            if lc.log_driver == "awslogs" {
                let r = lc
                    .options
                    .get("awslogs-region")
                    .map(String::as_str)
                    .unwrap_or(region);
                add(
                    Service::Logs,
                    r,
                    format!("logs.{r}.amazonaws.com"),
                    format!("awslogs log driver of container {}", c.name),
                );
            }
        }
        // On 1.3.0 and earlier, secrets and registry credentials are fetched by the platform
        // over its own ENI, not the task's.
        if pv.legacy {
            continue;
        }
        let secret_refs = c
            .secrets
            .iter()
            .map(|s| {
                (
                    s.value_from.as_str(),
                    format!("secret {} of container {}", s.name, c.name),
                )
            })
            .chain(c.log_configuration.iter().flat_map(|lc| {
                lc.secret_options.iter().map(|s| {
                    (
                        s.value_from.as_str(),
                        format!("log secretOption {} of container {}", s.name, c.name),
                    )
                })
            }));
        for (value, why) in secret_refs {
            let r = arn_region(value).unwrap_or(region).to_string();
            if arn_service(value) == Some("secretsmanager") {
                add(
                    Service::SecretsManager,
                    &r,
                    format!("secretsmanager.{r}.amazonaws.com"),
                    why,
                );
            } else {
                add(Service::Ssm, &r, format!("ssm.{r}.amazonaws.com"), why);
            }
        }
        if let Some(cred) = &c.repository_credentials {
            let r = arn_region(cred).unwrap_or(region).to_string();
            add(
                Service::SecretsManager,
                &r,
                format!("secretsmanager.{r}.amazonaws.com"),
                format!("repositoryCredentials of container {}", c.name),
            );
        }
    }
    out.sort_by(|a, b| (a.service, &a.region, &a.host).cmp(&(b.service, &b.region, &b.host)));
    out
}
