//! Any text as compiled outputs read back by `amxc diff` (filter set, service set, cluster
//! role): reading ends in outputs or a coded refusal, and every diff of what was read renders.
#![no_main]
use amxc::diff::{diff, markdown, text, Outputs};
use amxc::driver::readback::parse_output;
use amxc::emit::cluster::ClusterFile;
use amxc::emit::{FilterSet, ServiceSet};
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fn outputs(t: &str) -> Vec<Outputs> {
    let p = Path::new("out/S/file.yaml");
    let mut out = Vec::new();
    if let Ok(filters) = parse_output::<FilterSet>(t, p, "a filter set") {
        let services = parse_output::<ServiceSet>(t, p, "a service set").unwrap_or_default();
        out.push(Outputs {
            server: filters.server.clone(),
            filters,
            services,
            cluster: None,
        });
    }
    if let Ok(cluster) = parse_output::<ClusterFile>(t, p, "a cluster role") {
        out.push(Outputs {
            server: cluster.server.clone(),
            filters: FilterSet::default(),
            services: ServiceSet::default(),
            cluster: Some(cluster),
        });
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let t = String::from_utf8_lossy(data);
    // the first half as the old side, the rest as the new one
    let mut cut = t.len() / 2;
    while !t.is_char_boundary(cut) {
        cut -= 1;
    }
    let (a, b) = t.split_at(cut);
    let (old, new) = (outputs(a), outputs(b));
    for (o, n) in [(&old, &new), (&new, &old), (&old, &old)] {
        let d = diff(o, n);
        let _ = text(&d);
        let _ = markdown(&d);
        let _ = serde_json::to_string(&d).expect("a diff is JSON");
    }
    assert!(diff(&old, &old).is_empty(), "a side differs from itself");
});
