//! Route 53: the private hosted zones associated with the targets' VPCs, mapped into
//! [`m::DnsData`]. A private zone answers for its whole name inside the VPC: a zone named
//! `amazonaws.com`, `ecr.us-east-1.amazonaws.com` or the registry's domain, without the records
//! the task needs, breaks name resolution of AWS endpoints or of the registry. So the records of
//! such zones are read; other zones are only listed.
//!
//! Calls and their scopes:
//! - `ListHostedZonesByVPC`: the VPC ID (every page);
//! - `ListResourceRecordSets`: the zone ID (every page).
//!
//! Route 53 is a global service: its control plane is reached through one Region of each
//! partition, whatever the task's Region.

use std::collections::{BTreeMap, BTreeSet};

use aws_config::{Region, SdkConfig};
use aws_sdk_route53::types::VpcRegion;
use aws_sdk_route53::Client;
use fd_snapshot::{self as m, CallOutcome, Fetched};
use fd_snapshot::{Op, Scope};
use futures::stream::{self, StreamExt};

use crate::calls::{fetched, CallFailure, Recorder};

const CONCURRENCY: usize = 4;

/// Pages read at most from one listing: far beyond any real account (100 zones or 300 records
/// a page), and a bound against a listing whose token never ends.
const MAX_PAGES: usize = 200;

/// The zones whose records matter whatever the image: AWS service endpoints live under them.
const AWS_DOMAINS: [&str; 3] = ["amazonaws.com", "amazonaws.com.cn", "on.aws"];

/// `(zone ID, zone name)` as listed, normalised.
type Zone = (String, String);

/// Where the next page of ListResourceRecordSets starts: name, type, set identifier.
type RecordCursor = (
    String,
    Option<aws_sdk_route53::types::RrType>,
    Option<String>,
);

/// What a zone that covers no needed name gets instead of its records.
const NOT_READ: &str = "not read: the zone covers no name the task needs";

/// A Route 53 client for the partition of `region`. The shared configuration's endpoint
/// overrides (`--endpoint-url`, `AWS_ENDPOINT_URL[_ROUTE_53]`) still apply.
pub(crate) fn client(config: &SdkConfig, region: &str) -> Client {
    let conf = config
        .to_builder()
        .region(Region::new(control_plane_region(region)))
        .build();
    Client::new(&conf)
}

/// The Region that signs Route 53 requests in the partition of `region`.
pub(crate) fn control_plane_region(region: &str) -> &'static str {
    match fd_snapshot::refs::partition_for_region(region) {
        "aws-cn" => "cn-northwest-1",
        "aws-us-gov" => "us-gov-west-1",
        _ => "us-east-1",
    }
}

/// The private zones of each VPC of `vpc_ids` (in `region`), with the records of the zones that
/// cover an AWS domain or one of `hosts` (the image registries).
pub(crate) async fn collect_dns(
    client: &Client,
    rec: &Recorder,
    region: &str,
    vpc_ids: &BTreeSet<String>,
    hosts: &BTreeSet<String>,
) -> m::DnsData {
    let listed: Vec<(String, Result<Vec<Zone>, CallFailure>)> = stream::iter(vpc_ids)
        .map(|vpc| async move { (vpc.clone(), zones_of_vpc(client, rec, region, vpc).await) })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;

    // A zone associated with several VPCs is read once.
    let wanted: BTreeSet<&str> = listed
        .iter()
        .filter_map(|(_, zones)| zones.as_ref().ok())
        .flatten()
        .filter(|(_, name)| covers_needed_name(name, hosts))
        .map(|(id, _)| id.as_str())
        .collect();
    let records: BTreeMap<&str, Fetched<Records>> = stream::iter(wanted)
        .map(|id| async move { (id, record_sets(client, rec, id).await) })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;

    let private_zones = listed
        .iter()
        .map(|(vpc, zones)| {
            let zones = zones.as_ref().map_err(Clone::clone).map(|zones| {
                zones
                    .iter()
                    .map(|(id, name)| {
                        let read = records.get(id.as_str());
                        m::HostedZone {
                            id: id.clone(),
                            name: name.clone(),
                            records: match read {
                                Some(r) => r.clone().map(|r| r.names.into_iter().collect()),
                                None => Fetched::Absent {
                                    call: Op::Route53ListResourceRecordSets.to_string(),
                                    detail: Some(NOT_READ.into()),
                                },
                            },
                            answers: match read {
                                Some(Fetched::Found { value }) => Some(value.answers.clone()),
                                _ => None,
                            },
                        }
                    })
                    .collect()
            });
            (vpc.clone(), fetched(Op::Route53ListHostedZonesByVpc, zones))
        })
        .collect();
    m::DnsData {
        private_zones,
        ..Default::default()
    }
}

fn too_many_pages(operation: &str) -> CallFailure {
    CallFailure {
        outcome: CallOutcome::Failed,
        code: None,
        message: Some(format!("{operation}: more than {MAX_PAGES} pages")),
        transport: None,
    }
}

/// ListHostedZonesByVPC, every page.
async fn zones_of_vpc(
    client: &Client,
    rec: &Recorder,
    region: &str,
    vpc: &str,
) -> Result<Vec<Zone>, CallFailure> {
    let mut zones = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let out = rec
            .call(
                Op::Route53ListHostedZonesByVpc,
                Some(Scope::key(vpc)),
                client
                    .list_hosted_zones_by_vpc()
                    .vpc_id(vpc)
                    .vpc_region(VpcRegion::from(region))
                    .max_items(100)
                    .set_next_token(token.clone())
                    .send(),
            )
            .await?;
        zones.extend(
            out.hosted_zone_summaries()
                .iter()
                .map(|z| (zone_id(z.hosted_zone_id()), dns_name(z.name()))),
        );
        match out.next_token().filter(|t| !t.is_empty()) {
            Some(next) if token.as_deref() != Some(next) => token = Some(next.to_string()),
            _ => return Ok(zones),
        }
    }
    Err(too_many_pages("ListHostedZonesByVPC"))
}

/// A zone's A, AAAA and CNAME records: their names, and what each name answers.
#[derive(Debug, Clone, Default)]
struct Records {
    names: BTreeSet<String>,
    answers: BTreeMap<String, m::RecordAnswer>,
}

/// ListResourceRecordSets, every page: the distinct record names, normalised and sorted, and
/// their values (plain A/AAAA addresses, or the name a CNAME or an alias points to).
async fn record_sets(client: &Client, rec: &Recorder, zone: &str) -> Fetched<Records> {
    let mut records = Records::default();
    let mut next: Option<RecordCursor> = None;
    for _ in 0..MAX_PAGES {
        let mut request = client
            .list_resource_record_sets()
            .hosted_zone_id(zone)
            .max_items(300);
        if let Some((name, kind, identifier)) = next.take() {
            request = request
                .start_record_name(name)
                .set_start_record_type(kind)
                .set_start_record_identifier(identifier);
        }
        let out = match rec
            .call(
                Op::Route53ListResourceRecordSets,
                Some(Scope::key(zone)),
                request.send(),
            )
            .await
        {
            Ok(out) => out,
            Err(f) => return fetched(Op::Route53ListResourceRecordSets, Err(f)),
        };
        // Only records that answer an address query: a zone's own SOA and NS records (and TXT,
        // MX …) do not make its name resolve.
        for r in out.resource_record_sets() {
            use aws_sdk_route53::types::RrType;
            let cname = match r.r#type() {
                RrType::A | RrType::Aaaa => false,
                RrType::Cname => true,
                _ => continue,
            };
            let name = dns_name(r.name());
            let answer = records.answers.entry(name.clone()).or_default();
            records.names.insert(name);
            let values = r.resource_records().iter().map(|v| v.value());
            if let Some(alias) = r.alias_target() {
                answer
                    .target
                    .get_or_insert_with(|| dns_name(alias.dns_name()));
            } else if cname {
                if let Some(v) = values.into_iter().next() {
                    answer.target.get_or_insert_with(|| dns_name(v));
                }
            } else {
                answer
                    .addresses
                    .extend(values.filter_map(|v| v.trim().parse::<std::net::IpAddr>().ok()));
            }
        }
        match out.next_record_name().filter(|_| out.is_truncated()) {
            Some(name) => {
                next = Some((
                    name.to_string(),
                    out.next_record_type().cloned(),
                    out.next_record_identifier().map(str::to_string),
                ))
            }
            None => return Fetched::found(records),
        }
    }
    fetched(
        Op::Route53ListResourceRecordSets,
        Err(too_many_pages("ListResourceRecordSets")),
    )
}

// ---------------------------------------------------------------------------------------------
// Names (pure)
// ---------------------------------------------------------------------------------------------

/// `/hostedzone/Z123` → `Z123`.
pub(crate) fn zone_id(id: &str) -> String {
    id.strip_prefix("/hostedzone/").unwrap_or(id).to_string()
}

/// A name as Route 53 returns it (`*.Example.com.`, with `*` escaped as `\052`) → `*.example.com`.
pub(crate) fn dns_name(name: &str) -> String {
    let name = name.replace("\\052", "*").to_ascii_lowercase();
    name.strip_suffix('.').unwrap_or(&name).to_string()
}

/// True when `zone` is `host` or one of its parent domains, label by label
/// (`example.com` covers `registry.example.com`, not `myexample.com`).
pub(crate) fn is_label_suffix(zone: &str, host: &str) -> bool {
    host == zone
        || host
            .strip_suffix(zone)
            .is_some_and(|rest| rest.ends_with('.'))
}

/// True when a private zone named `zone` answers for a name the task resolves: an AWS service
/// endpoint (the zone is, is under, or is a parent of an AWS domain) or a registry host.
pub(crate) fn covers_needed_name(zone: &str, hosts: &BTreeSet<String>) -> bool {
    AWS_DOMAINS
        .iter()
        .any(|d| is_label_suffix(d, zone) || is_label_suffix(zone, d))
        || hosts.iter().any(|h| is_label_suffix(zone, h))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_normalised() {
        assert_eq!(
            zone_id("/hostedzone/Z0441723226OZ66S5ZCNZ"),
            "Z0441723226OZ66S5ZCNZ"
        );
        assert_eq!(zone_id("Z1"), "Z1");
        assert_eq!(dns_name("\\052.Example.COM."), "*.example.com");
        assert_eq!(
            dns_name("api.ecr.us-east-1.amazonaws.com"),
            "api.ecr.us-east-1.amazonaws.com"
        );
    }

    #[test]
    fn label_suffixes() {
        assert!(is_label_suffix("example.com", "registry.example.com"));
        assert!(is_label_suffix("example.com", "example.com"));
        assert!(!is_label_suffix("example.com", "myexample.com"));
        assert!(!is_label_suffix("registry.example.com", "example.com"));
    }

    #[test]
    fn zones_that_matter() {
        let hosts = BTreeSet::from([
            "123456789012.dkr.ecr.us-east-1.amazonaws.com".to_string(),
            "ghcr.io".to_string(),
        ]);
        for zone in [
            "amazonaws.com",
            "us-east-1.amazonaws.com",
            "ecr.us-east-1.amazonaws.com",
            "amazonaws.com.cn",
            "cn-north-1.amazonaws.com.cn",
            "on.aws",
            "dkr-ecr.us-east-1.on.aws",
            "ghcr.io",
            "io",
            // A zone above an AWS domain shadows it too.
            "com",
        ] {
            assert!(covers_needed_name(zone, &hosts), "{zone}");
        }
        for zone in [
            "corp.internal",
            "example.com",
            "notamazonaws.com",
            "github.io",
        ] {
            assert!(!covers_needed_name(zone, &hosts), "{zone}");
        }
    }

    #[test]
    fn control_plane_regions() {
        assert_eq!(control_plane_region("eu-west-1"), "us-east-1");
        assert_eq!(control_plane_region("cn-north-1"), "cn-northwest-1");
        assert_eq!(control_plane_region("us-gov-east-1"), "us-gov-west-1");
    }
}
