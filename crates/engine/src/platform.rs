//! Fargate platform facts shipped as data: platform versions, valid task sizes, the
//! Availability Zones where Fargate does not run, and where it runs no ARM64 task. Each table
//! says where it comes from; when AWS changes them, change the data here (and its date), not
//! the checks.

use fd_snapshot::TaskDefinition;

/// The platform version a task runs (or will run) on, as far as the network path cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlatformVersion {
    /// As given (`LATEST` when none was given).
    pub label: String,
    /// Linux platform 1.3.0 and earlier: ECR authentication and secrets go over a Fargate-owned
    /// ENI, so the task ENI needs only `ecr.dkr`, S3 and Logs.
    pub legacy: bool,
    pub windows: bool,
}

impl PlatformVersion {
    pub fn new(given: Option<&str>, td: Option<&TaskDefinition>) -> Self {
        let windows = td
            .and_then(|t| t.operating_system_family.as_deref())
            .is_some_and(|f| f.starts_with("WINDOWS"));
        let label = given.unwrap_or("LATEST").to_string();
        let legacy = !windows
            && match parse(&label) {
                Some(v) => v < (1, 4, 0),
                None => false,
            };
        PlatformVersion {
            label,
            legacy,
            windows,
        }
    }
}

fn parse(v: &str) -> Option<(u32, u32, u32)> {
    let mut it = v.split('.').map(|p| p.parse::<u32>().ok());
    Some((it.next()??, it.next()??, it.next().flatten().unwrap_or(0)))
}

/// CPU units from ECS's forms: `"256"`, `"1024"`, `"1 vCPU"`, `"0.25 vcpu"`.
pub fn cpu_units(s: &str) -> Option<u32> {
    let t = s.trim().to_ascii_lowercase();
    if let Some(v) = t.strip_suffix("vcpu") {
        let f: f64 = v.trim().parse().ok()?;
        return Some((f * 1024.0).round() as u32);
    }
    t.parse().ok()
}

/// MiB from ECS's forms: `"512"`, `"2048"`, `"2 GB"`, `"0.5gb"`.
pub fn memory_mib(s: &str) -> Option<u32> {
    let t = s.trim().to_ascii_lowercase();
    if let Some(v) = t.strip_suffix("gb") {
        let f: f64 = v.trim().parse().ok()?;
        return Some((f * 1024.0).round() as u32);
    }
    t.parse().ok()
}

/// One row of the Fargate task size table: memory from `min` to `max` MiB in `step`s.
pub struct SizeRow {
    pub cpu: u32,
    pub memory: &'static [u32],
    pub min: u32,
    pub max: u32,
    pub step: u32,
    pub windows: bool,
    pub needs_1_4: bool,
}

/// "Task CPU and memory" table of the ECS Developer Guide (Fargate), as of 2023.
pub static TASK_SIZES: &[SizeRow] = &[
    SizeRow {
        cpu: 256,
        memory: &[512, 1024, 2048],
        min: 0,
        max: 0,
        step: 0,
        windows: false,
        needs_1_4: false,
    },
    SizeRow {
        cpu: 512,
        memory: &[],
        min: 1024,
        max: 4096,
        step: 1024,
        windows: false,
        needs_1_4: false,
    },
    SizeRow {
        cpu: 1024,
        memory: &[],
        min: 2048,
        max: 8192,
        step: 1024,
        windows: true,
        needs_1_4: false,
    },
    SizeRow {
        cpu: 2048,
        memory: &[],
        min: 4096,
        max: 16384,
        step: 1024,
        windows: true,
        needs_1_4: false,
    },
    SizeRow {
        cpu: 4096,
        memory: &[],
        min: 8192,
        max: 30720,
        step: 1024,
        windows: true,
        needs_1_4: false,
    },
    SizeRow {
        cpu: 8192,
        memory: &[],
        min: 16384,
        max: 61440,
        step: 4096,
        windows: false,
        needs_1_4: true,
    },
    SizeRow {
        cpu: 16384,
        memory: &[],
        min: 32768,
        max: 122880,
        step: 8192,
        windows: false,
        needs_1_4: true,
    },
];

impl SizeRow {
    pub fn allows(&self, mib: u32) -> bool {
        if !self.memory.is_empty() {
            return self.memory.contains(&mib);
        }
        mib >= self.min && mib <= self.max && (mib - self.min).is_multiple_of(self.step)
    }

    pub fn describe(&self) -> String {
        if !self.memory.is_empty() {
            let v: Vec<String> = self.memory.iter().map(|m| m.to_string()).collect();
            format!("{} MiB", v.join(", "))
        } else {
            format!("{}–{} MiB in steps of {}", self.min, self.max, self.step)
        }
    }
}

/// Regions where Fargate (Linux) runs only in some zones, by zone ID; every other Region
/// supports all of its standard zones. Source: "AWS Fargate Regions" in the ECS Developer
/// Guide, 2023 text. Zone IDs, not names: names are shuffled per account.
pub static LINUX_SUPPORTED_ZONES: &[(&str, &[&str])] = &[
    ("us-west-1", &["usw1-az1", "usw1-az3"]),
    ("ap-northeast-1", &["apne1-az1", "apne1-az2", "apne1-az4"]),
    ("ca-central-1", &["cac1-az1", "cac1-az2"]),
    ("cn-north-1", &["cnn1-az1", "cnn1-az2"]),
];

/// Same table for Windows containers on Fargate (2023 text).
pub static WINDOWS_SUPPORTED_ZONES: &[(&str, &[&str])] = &[(
    "us-east-1",
    &["use1-az1", "use1-az2", "use1-az4", "use1-az5", "use1-az6"],
)];

/// The zones of `region` Fargate supports, or `None` when it supports them all.
pub fn supported_zones(region: &str, windows: bool) -> Option<&'static [&'static str]> {
    let table = if windows {
        WINDOWS_SUPPORTED_ZONES
    } else {
        LINUX_SUPPORTED_ZONES
    };
    table.iter().find(|(r, _)| *r == region).map(|(_, z)| *z)
}

/// Date of the ARM64 table below (the source text's date).
pub const ARM64_TABLE_DATE: &str = "2023-02-07";

/// Regions where Fargate runs no ARM64 (Graviton) task. Source: "Working with 64-bit ARM
/// workloads on Amazon ECS" (ecs-arm64.html), Fargate considerations, as of the last text
/// published in awsdocs/amazon-ecs-developer-guide (`doc_source/ecs-arm64.md` @ 13fa9b2,
/// 2023-02-07). AWS extends Graviton Fargate over time: refresh this table (and
/// [`ARM64_TABLE_DATE`]) from the live page.
pub static ARM64_UNSUPPORTED_REGIONS: &[&str] = &[
    "ap-south-2",     // Asia Pacific (Hyderabad)
    "ap-southeast-4", // Asia Pacific (Melbourne)
    "cn-north-1",     // China (Beijing)
    "cn-northwest-1", // China (Ningxia)
    "eu-central-2",   // Europe (Zurich)
    "af-south-1",     // Africa (Cape Town)
    "me-central-1",   // Middle East (UAE)
    "me-south-1",     // Middle East (Bahrain)
    "us-gov-east-1",  // AWS GovCloud (US-East)
    "us-gov-west-1",  // AWS GovCloud (US-West)
];

/// Zones (by zone ID) without ARM64 Fargate in Regions that otherwise have it. Same source and
/// date as [`ARM64_UNSUPPORTED_REGIONS`].
pub static ARM64_UNSUPPORTED_ZONES: &[(&str, &[&str])] = &[
    ("us-east-1", &["use1-az3"]),
    ("ap-northeast-3", &["apne3-az2", "apne3-az3"]),
];

/// Where ARM64 Fargate tasks cannot run in `region`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arm64Gap {
    /// Nowhere in the Region.
    Region,
    /// Not in these zone IDs.
    Zones(&'static [&'static str]),
    /// The table knows of no gap in the Region.
    None,
}

pub fn arm64_gap(region: &str) -> Arm64Gap {
    if ARM64_UNSUPPORTED_REGIONS.contains(&region) {
        return Arm64Gap::Region;
    }
    ARM64_UNSUPPORTED_ZONES
        .iter()
        .find(|(r, _)| *r == region)
        .map_or(Arm64Gap::None, |(_, z)| Arm64Gap::Zones(z))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        assert!(PlatformVersion::new(Some("1.3.0"), None).legacy);
        assert!(!PlatformVersion::new(Some("1.4.0"), None).legacy);
        assert!(!PlatformVersion::new(None, None).legacy);
        assert!(!PlatformVersion::new(Some("LATEST"), None).legacy);
    }

    #[test]
    fn sizes() {
        assert_eq!(cpu_units("0.25 vCPU"), Some(256));
        assert_eq!(memory_mib("2 GB"), Some(2048));
        let row = TASK_SIZES.iter().find(|r| r.cpu == 4096).unwrap();
        assert!(row.allows(8192) && row.allows(30720) && !row.allows(32768));
        let row = TASK_SIZES.iter().find(|r| r.cpu == 256).unwrap();
        assert!(row.allows(512) && !row.allows(4096));
    }

    #[test]
    fn arm64_table() {
        assert_eq!(arm64_gap("af-south-1"), Arm64Gap::Region);
        assert_eq!(arm64_gap("us-east-1"), Arm64Gap::Zones(&["use1-az3"]));
        assert_eq!(arm64_gap("eu-west-1"), Arm64Gap::None);
    }
}
