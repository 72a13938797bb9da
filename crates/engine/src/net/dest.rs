//! What a task must reach over its ENI, derived from its task definition and platform version
//! (reference §2, "Destinations the task must reach", and §0.4 for 1.3.0 versus 1.4.0).

use fd_snapshot::needs::{SecretSource, TaskNeeds};
use fd_snapshot::S3Data;

use crate::image::ImageSource;
use crate::platform::PlatformVersion;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Service {
    EcrApi,
    EcrDkr,
    S3,
    /// S3 buckets holding `environmentFiles`.
    S3Files,
    Logs,
    SecretsManager,
    Ssm,
    /// A registry other than private ECR: reachable only over the internet.
    Internet,
    /// EFS over NFS (mount targets inside the VPC; see [`crate::net::efs`]). Never a
    /// [`Destination`]: it names the service of the task role's EFS calls.
    Efs,
}

impl Service {
    /// The suffix of the VPC endpoint service name (`com.amazonaws.<region>.<suffix>`).
    pub fn endpoint_suffix(self) -> Option<&'static str> {
        Some(match self {
            Service::EcrApi => "ecr.api",
            Service::EcrDkr => "ecr.dkr",
            Service::S3 | Service::S3Files => "s3",
            Service::Logs => "logs",
            Service::SecretsManager => "secretsmanager",
            Service::Ssm => "ssm",
            Service::Internet | Service::Efs => return None,
        })
    }

    /// Reached through S3's address ranges and gateway endpoint.
    pub fn is_s3(self) -> bool {
        matches!(self, Service::S3 | Service::S3Files)
    }

    pub fn label(self) -> &'static str {
        match self {
            Service::EcrApi => "ECR API (auth token)",
            Service::EcrDkr => "ECR registry",
            Service::S3 => "S3 (image layers)",
            Service::S3Files => "S3 (environment files)",
            Service::Logs => "CloudWatch Logs",
            Service::SecretsManager => "Secrets Manager",
            Service::Ssm => "SSM Parameter Store",
            Service::Internet => "public registry",
            Service::Efs => "EFS (NFS mount)",
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

/// The destinations of a task with `needs` in `region` on platform `pv`, in a stable order.
/// `s3` gives the Region of an env-file bucket, when it was read.
pub fn destinations(
    needs: &TaskNeeds,
    pv: &PlatformVersion,
    region: &str,
    s3: &S3Data,
) -> Vec<Destination> {
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
    for i in &needs.images {
        match &i.source {
            ImageSource::PrivateEcr {
                region: r, host, ..
            } => {
                if !pv.legacy {
                    add(
                        Service::EcrApi,
                        r,
                        format!("api.ecr.{r}.amazonaws.com"),
                        i.why(),
                    );
                }
                add(Service::EcrDkr, r, host.clone(), i.why());
                add(
                    Service::S3,
                    r,
                    format!("prod-{r}-starport-layer-bucket.s3.{r}.amazonaws.com"),
                    i.why(),
                );
            }
            ImageSource::Other { registry } => {
                let host = if registry == "docker.io" {
                    "registry-1.docker.io".to_string()
                } else {
                    registry.clone()
                };
                add(Service::Internet, region, host, i.why());
            }
            // Never pulled: IMG-REF-INVALID reports it.
            ImageSource::Invalid { .. } => {}
        }
    }
    for (l, a) in needs.awslogs() {
        add(
            Service::Logs,
            &a.region,
            format!("logs.{}.amazonaws.com", a.region),
            format!("awslogs log driver of container {}", l.container),
        );
    }
    // On 1.3.0 and earlier, secrets, registry credentials and env files are fetched by the
    // platform over its own ENI, not the task's.
    if !pv.legacy {
        for s in &needs.secrets {
            let r = s.source.region();
            match &s.source {
                SecretSource::SecretsManager { .. } => add(
                    Service::SecretsManager,
                    r,
                    format!("secretsmanager.{r}.amazonaws.com"),
                    s.why(),
                ),
                SecretSource::Ssm { .. } => {
                    add(Service::Ssm, r, format!("ssm.{r}.amazonaws.com"), s.why())
                }
            }
        }
        for f in &needs.env_files {
            let Some(bucket) = f.bucket() else { continue };
            let r = s3
                .buckets
                .get(bucket)
                .and_then(|b| b.value())
                .map_or(region, |b| b.region.as_str())
                .to_string();
            add(
                Service::S3Files,
                &r,
                format!("{bucket}.s3.{r}.amazonaws.com"),
                f.why(),
            );
        }
    }
    out.sort_by(|a, b| (a.service, &a.region, &a.host).cmp(&(b.service, &b.region, &b.host)));
    out
}
