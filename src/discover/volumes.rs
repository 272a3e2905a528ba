//! Which folder a volume is, for Process Monitor's `\Device\HarddiskVolumeN\…` paths (shown
//! for a volume that has no drive letter in its view — typically one mounted in a folder).
//! Two captures are read, in one file or several:
//!
//! - **`mountvol`** with no arguments: each `\\?\Volume{GUID}\` followed by its mount points
//!   (`D:\`, `C:\Mount\Catalog\`, or `*** NO MOUNT POINTS ***`). It does not name the device,
//!   so its mount points are the candidates a path's tail is looked up under in the listing.
//! - **A device map**, one volume per line with its drive or mount point and its NT device
//!   name in either order (`D:  \Device\HarddiskVolume3`), as the PowerShell command in the
//!   README prints it with `QueryDosDevice`: each line maps its device exactly.

use super::evidence::Malformed;

/// What the volume captures say.
#[derive(Debug, Default, Clone)]
pub struct Volumes {
    /// `\Device\HarddiskVolumeN` (lower case) → its drive or folder (`D:`, `C:\Mount\Catalog`).
    pub devices: Vec<(String, String)>,
    /// Every mount point `mountvol` lists (`D:`, `C:\Mount\Catalog`), without a trailing `\`.
    pub mount_points: Vec<String>,
}

/// `X:` or `X:\folder…` without its trailing backslash, if `s` is one.
fn mount_point(s: &str) -> Option<String> {
    let b = s.as_bytes();
    (b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':' && (b.len() == 2 || b[2] == b'\\'))
        .then(|| {
            let t = s.trim_end_matches('\\');
            if t.len() < 2 {
                s[..2].to_string()
            } else {
                t.to_string()
            }
        })
}

/// The NT device name of a volume (`\Device\HarddiskVolume3`), if `s` is one.
fn device(s: &str) -> Option<String> {
    let lower = s.trim_end_matches('\\').to_ascii_lowercase();
    let n = lower.strip_prefix("\\device\\harddiskvolume")?;
    (!n.is_empty() && n.chars().all(|c| c.is_ascii_digit())).then_some(lower)
}

impl Volumes {
    /// Read one capture (see the module's text); lines that are neither are reported.
    pub fn read(&mut self, file: &str, text: &str, malformed: &mut Vec<Malformed>) {
        // mountvol's usage text comes before its list, in the server's language
        let is_mountvol = text.contains("\\\\?\\Volume{");
        let mut in_mountvol = false;
        for (i, line) in text.lines().enumerate() {
            let t = line.trim();
            if t.is_empty() {
                continue;
            }
            if t.starts_with("\\\\?\\Volume{") {
                in_mountvol = true;
                continue;
            }
            // a device map line: a drive or folder and a device, in either order
            let words: Vec<&str> = t
                .split(['\t', '='])
                .flat_map(|w| w.split("  "))
                .map(str::trim)
                .filter(|w| !w.is_empty())
                .collect();
            if let [a, b] = words[..] {
                let pair = match (mount_point(a), device(b), mount_point(b), device(a)) {
                    (Some(m), Some(d), _, _) | (_, _, Some(m), Some(d)) => Some((d, m)),
                    _ => None,
                };
                if let Some((d, m)) = pair {
                    if !self.devices.iter().any(|(x, _)| *x == d) {
                        self.devices.push((d, m));
                    }
                    continue;
                }
            }
            if in_mountvol {
                if let Some(m) = mount_point(t) {
                    if !self.mount_points.iter().any(|x| x.eq_ignore_ascii_case(&m)) {
                        self.mount_points.push(m);
                    }
                    continue;
                }
                // `*** NO MOUNT POINTS ***`, `*** NOT MOUNTED …` (or a translation)
                if t.starts_with("***") {
                    continue;
                }
            }
            if is_mountvol && !in_mountvol {
                continue;
            }
            if malformed.iter().filter(|m| m.file == file).count() < 20 {
                malformed.push(Malformed {
                    file: file.to_string(),
                    line: i + 1,
                    why: format!(
                        "neither a mount point nor a device and its folder: `{}`",
                        t.chars().take(60).collect::<String>()
                    ),
                });
            }
        }
    }

    /// The folder the device map gives `\Device\HarddiskVolumeN` (any case).
    pub fn folder_of(&self, device_name: &str) -> Option<&str> {
        let d = device(device_name)?;
        self.devices
            .iter()
            .find(|(x, _)| *x == d)
            .map(|(_, m)| m.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.devices.is_empty() && self.mount_points.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MOUNTVOL: &str = "Creates, deletes, or lists a volume mount point.\r\n\r\nMOUNTVOL [drive:]path VolumeName\r\n\r\nPossible values for VolumeName along with current mount points are:\r\n\r\n    \\\\?\\Volume{4c1b02c1-d990-11dc-99ae-806e6f6e6963}\\\r\n        C:\\\r\n\r\n    \\\\?\\Volume{8d1c0a2e-0000-0000-0000-100000000000}\\\r\n        C:\\Mount\\Catalog\\\r\n\r\n    \\\\?\\Volume{8d1c0a2e-0000-0000-0000-200000000000}\\\r\n        *** NO MOUNT POINTS ***\r\n\r\n    \\\\?\\Volume{4c1b02c0-d990-11dc-99ae-806e6f6e6963}\\\r\n        E:\\\r\n";

    #[test]
    fn mountvol_gives_mount_points_and_a_device_map_gives_devices() {
        let mut v = Volumes::default();
        let mut bad = Vec::new();
        v.read("mountvol.txt", MOUNTVOL, &mut bad);
        assert!(bad.is_empty(), "{bad:?}");
        assert_eq!(v.mount_points, ["C:", "C:\\Mount\\Catalog", "E:"]);
        v.read(
            "devices.txt",
            "C:\t\\Device\\HarddiskVolume2\r\n\\Device\\HarddiskVolume4  D:\\\r\nC:\\Mount\\Catalog = \\Device\\HarddiskVolume5\r\n",
            &mut bad,
        );
        assert!(bad.is_empty(), "{bad:?}");
        assert_eq!(v.folder_of("\\Device\\HarddiskVolume4"), Some("D:"));
        assert_eq!(
            v.folder_of("\\device\\harddiskvolume5"),
            Some("C:\\Mount\\Catalog")
        );
        assert_eq!(v.folder_of("\\Device\\HarddiskVolume9"), None);
    }

    #[test]
    fn a_line_that_is_neither_is_reported_with_its_line() {
        let mut v = Volumes::default();
        let mut bad = Vec::new();
        v.read(
            "mountvol.txt",
            "    \\\\?\\Volume{4c1b02c1}\\\r\n        C:\\\r\ngarbage here\r\n",
            &mut bad,
        );
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].line, 3);
    }
}
