//! The Neverfail-style engine (Neverfail Heartbeat, vCenter Server Heartbeat): an active and a
//! passive server kept in step by file and registry replication. Each fact carries its source
//! (see `DOMAIN.md` of the product notes).

use super::{Danger, Engine, Feature, Veto};
use crate::ast::{ServiceState, Startup, TaskKind, TaskSide, Version};
use crate::filters::normalize_file;

/// The Neverfail-style engine.
#[derive(Clone, Copy, Debug, Default)]
pub struct Neverfail;

/// Up to three failure actions, run in order. [vCSHB 6.4/6.6 reference guides]
pub const MAX_FAILURE_ACTIONS: usize = 3;

/// The last product generation with inclusion filters only: exclusions came with V5.3.
/// [Neverfail KB for v6.2 file filters; KB "How to Specify or Adjust Filters Manually … Up to
/// V5.2.2"]
pub const LAST_INCLUSION_ONLY: [u64; 2] = [5, 2];

/// The filter states the product logs, in its numbering. [Neverfail KB "File Filters Effective
/// State Values in the Neverfail Log in V5.3 and Later"]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FilterState {
    Unset = 0,
    Effective = 1,
    /// The root of a drive, the product's own folder, the system folder.
    Vetoed = 2,
    /// Inside another inclusion: the superset is used.
    Covered = 3,
    /// An exclusion outside every inclusion: ignored.
    NotSubsetOfInclusion = 4,
    Invalid = 5,
    Disabled = 6,
}

impl FilterState {
    /// The name the product's log uses.
    pub fn log_name(self) -> &'static str {
        match self {
            FilterState::Unset => "Unset",
            FilterState::Effective => "Effective",
            FilterState::Vetoed => "Vetoed",
            FilterState::Covered => "Covered",
            FilterState::NotSubsetOfInclusion => "NotSubsetOfInclusion",
            FilterState::Invalid => "Invalid",
            FilterState::Disabled => "Disabled",
        }
    }
}

/// Folders vetoed below the system drive, with why: the system folder (and its 32-bit twin on
/// x64) and the product's own install folders. [vCenter Server Heartbeat 6.4/6.6 reference
/// guides: "the product's own install folder, the system folder (system32)"]
const VETOED_BELOW_SYSTEM_DRIVE: [(&str, &str); 5] = [
    ("Windows\\System32", "the Windows system folder"),
    ("Windows\\SysWOW64", "the Windows system folder"),
    (
        "Program Files\\Neverfail",
        "the HA product's own install folder",
    ),
    (
        "Program Files (x86)\\Neverfail",
        "the HA product's own install folder",
    ),
    (
        "Program Files\\VMware\\VMware vCenter Server Heartbeat",
        "the HA product's own install folder",
    ),
];

/// Why an inclusion of a whole drive (`D:\**`) is vetoed, from V5.3. [vCSHB 6.4 guide]
pub const DRIVE_ROOT_VETO: &str = "the root of a drive";

/// Locations on any drive that belong to Windows, not to an application: the paging and
/// hibernation files, Volume Shadow Copy storage and the recycle bin (`RECYCLER` up to 2003).
/// [Microsoft: "Pagefile.sys", "Hiberfil.sys", "System Volume Information" (VSS), "Recycle
/// Bin" storage locations]
const DANGEROUS_ON_EVERY_DRIVE: [(&str, &str); 5] = [
    (
        "pagefile.sys",
        "the paging file, which Windows holds open and rewrites",
    ),
    (
        "hiberfil.sys",
        "the hibernation file, which Windows holds open and rewrites",
    ),
    (
        "System Volume Information\\**",
        "Volume Shadow Copy storage, which belongs to each volume",
    ),
    (
        "$Recycle.Bin\\**",
        "the recycle bin, per user and per server",
    ),
    (
        "RECYCLER\\**",
        "the recycle bin (Windows Server 2003), per user and per server",
    ),
];

impl Engine for Neverfail {
    fn kind(&self) -> super::EngineKind {
        super::EngineKind::Neverfail
    }

    /// The replication engine carries out the whole model.
    fn maps(&self, _feature: Feature) -> bool {
        true
    }

    fn vetoed_roots(&self, system_drive: &str) -> Vec<Veto> {
        VETOED_BELOW_SYSTEM_DRIVE
            .iter()
            .filter_map(|(below, why)| {
                normalize_file(&format!("{system_drive}\\{below}\\**"))
                    .ok()
                    .map(|root| Veto { root, why })
            })
            .collect()
    }

    fn dangerous(&self, system_drive: &str) -> Vec<Danger> {
        let mut out = Vec::new();
        if let Ok(root) = normalize_file(&format!("{system_drive}\\Windows\\**")) {
            out.push(Danger {
                root,
                whole: false,
                why: "the Windows folder, which belongs to each server",
            });
        }
        for drive in 'A'..='Z' {
            for (below, why) in DANGEROUS_ON_EVERY_DRIVE {
                if let Ok(root) = normalize_file(&format!("{drive}:\\{below}")) {
                    out.push(Danger {
                        root,
                        whole: false,
                        why,
                    });
                }
            }
        }
        out.extend(super::windows::server_registry_dangers());
        out
    }

    fn drive_root_veto(&self) -> Option<&'static str> {
        Some(DRIVE_ROOT_VETO)
    }

    fn has_exclusions(&self, generation: Option<&Version>) -> bool {
        generation.is_none_or(|v| *v > Version(LAST_INCLUSION_ONLY.to_vec()))
    }

    fn max_failure_actions(&self) -> usize {
        MAX_FAILURE_ACTIONS
    }

    /// Network Configuration tasks are the only kind that differs between Primary and
    /// Secondary; the others run on the active unless told. [vCSHB reference guide]
    fn default_side(&self, kind: TaskKind) -> TaskSide {
        match kind {
            TaskKind::Network => TaskSide::Primary,
            _ => TaskSide::Active,
        }
    }

    /// Network Configuration tasks differ between Primary and Secondary; Pre/Post Start and
    /// Pre/Post Stop run on the server becoming or leaving active; the others run on the
    /// active, the passive or both. [vCSHB 6.6 reference guide: "Start and stop tasks run on
    /// the server becoming or leaving active"]
    fn allowed_sides(&self, kind: TaskKind) -> &'static [TaskSide] {
        match kind {
            TaskKind::Network => &[TaskSide::Primary, TaskSide::Secondary],
            TaskKind::PreStart | TaskKind::PostStart | TaskKind::PreStop | TaskKind::PostStop => {
                &[TaskSide::Active]
            }
            _ => &[TaskSide::Active, TaskSide::Passive, TaskSide::Both],
        }
    }

    /// Protected services are set to Manual so that the HA product, not Windows, starts them.
    /// [vCSHB 6.4/6.6 guides; Neverfail v6.2 protected application KB]
    fn default_startup(&self) -> Startup {
        Startup::Manual
    }

    /// Running on the active, Stopped on the passive: running on both can lock files and stop
    /// synchronisation. [same]
    fn default_states(&self) -> (ServiceState, ServiceState) {
        (ServiceState::Running, ServiceState::Stopped)
    }
}
