//! JSON Schemas for the YAML inputs (version matrices, target profiles), so that editors
//! validate them while they are typed (`# yaml-language-server: $schema=…`).

use serde_json::{json, Value};

/// The JSON Schema of a version matrix.
pub fn matrix() -> Value {
    let values = json!({
        "oneOf": [
            { "type": ["string", "number"] },
            { "type": "array", "items": { "type": ["string", "number"] }, "minItems": 1 }
        ]
    });
    let restriction = json!({
        "type": "object",
        "description": "Dimension name → a value or a list of values.",
        "additionalProperties": values,
    });
    json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": "urn:amxc:schema:matrix",
        "title": "amxc version matrix",
        "description": "The KB \"Versions\" article of an AM(X) as data: dimensions, components, platforms and release versions.",
        "type": "object",
        "additionalProperties": false,
        "required": ["dimensions", "versions"],
        "properties": {
            "amx": { "type": ["string", "number"], "description": "The module's id, as in the policy's `amx` statement." },
            "kb": { "oneOf": [ { "type": "integer", "minimum": 0 }, { "type": "string", "pattern": "^[0-9]+$" } ], "description": "The Versions article's number." },
            "title": { "type": ["string", "number"] },
            "dimensions": {
                "type": "object",
                "description": "Each dimension of the configuration space. `version` is reserved for release versions.",
                "propertyNames": { "not": { "const": "version" } },
                "additionalProperties": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["kind", "values"],
                    "properties": {
                        "kind": { "enum": ["version", "enum"], "description": "`version`: ordered dotted numbers; `enum`: unordered names." },
                        "values": { "type": "array", "minItems": 1, "items": { "type": ["string", "number"] } }
                    }
                }
            },
            "components": {
                "type": ["object", "null"],
                "description": "Optional co-installed components (`has(name)` in conditions) → description.",
                "additionalProperties": { "type": ["string", "null"] }
            },
            "platforms": {
                "type": ["array", "null"],
                "description": "The combinations of dimension values that exist; absent means all.",
                "items": restriction
            },
            "versions": {
                "type": "object",
                "description": "Release version (YYYY-MM-DD) → what it supports.",
                "propertyNames": { "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "format": "date" },
                "additionalProperties": {
                    "type": ["object", "null"],
                    "additionalProperties": false,
                    "properties": {
                        "supports": restriction,
                        "superseded_by": { "type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "format": "date" },
                        "known_issues": { "type": ["array", "string"], "items": { "type": ["string", "number"] }, "description": "Sentences, or one." },
                        "engines": { "type": "array", "items": { "enum": crate::engine::name_list() }, "uniqueItems": true, "description": "The HA engines the release runs on; every engine when absent." }
                    }
                }
            }
        }
    })
}

/// The JSON Schema of a target profile. Dimension keys depend on the matrix, so any further
/// key must be a scalar (amxc checks it against the matrix).
pub fn target() -> Value {
    json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": "urn:amxc:schema:target",
        "title": "amxc target profile",
        "description": "One real server: its name, installed release, a value for every matrix dimension, components, management IP, drives and discovered locations.",
        "type": "object",
        "required": ["server", "version"],
        "properties": {
            "server": { "type": ["string", "integer"], "pattern": crate::profile::plain_folder_name_pattern(), "description": "The computer name; also the output folder's name (not a name Windows reserves, such as CON)." },
            "amx": { "type": ["string", "number"], "description": "The module this profile is for." },
            "version": { "type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "format": "date", "description": "The installed release version." },
            "components": { "type": ["array", "string", "number", "null"], "items": { "type": ["string", "number"] }, "description": "The matrix's components installed on this server: a name or a list of names." },
            "management_ip": { "anyOf": [ { "type": "string", "format": "ipv4" }, { "type": "string", "format": "ipv6" }, { "type": "null" } ], "description": "The passive's management IP address (IPv4 or IPv6), or null when it has none." },
            "drives": { "oneOf": [ { "type": "string", "pattern": "^[A-Za-z]:?\\\\?$" }, { "type": "array", "items": { "type": "string", "pattern": "^[A-Za-z]:?\\\\?$" } } ], "description": "Drive letters present on both servers: a letter or a list of them." },
            "system_drive": { "type": "string", "pattern": "^[A-Za-z]:?\\\\?$" },
            "os": { "type": ["string", "number"], "description": "Windows Server generation, when the matrix has no `os` dimension." },
            "engine": { "enum": crate::engine::name_list(), "description": "The HA engine the server runs: `neverfail` (replication; the default) or `wsfc` (Windows Server Failover Clustering). `--engine` gives it for profiles that do not." },
            "cluster": {
                "type": ["object", "null"],
                "description": "The failover-cluster role (engine wsfc): its client access point and disks, or an existing role to join.",
                "additionalProperties": false,
                "anyOf": [ { "required": ["network_name"] }, { "required": ["group"] } ],
                "properties": {
                    "group": { "type": "string", "minLength": 1, "maxLength": 128, "pattern": "^[^\"\\[\\],]+$", "description": "An existing role the resources join; with network_name, the role's name." },
                    "network_name": { "type": "string", "pattern": "^(?![0-9]+$)[A-Za-z0-9][A-Za-z0-9-]{0,14}$", "description": "The client access point's NetBIOS name, created with the role." },
                    "ip": {
                        "description": "Static IPv4 addresses of the client access point, with their prefix length.",
                        "oneOf": [
                            { "type": "string", "pattern": "^[0-9]{1,3}(\\.[0-9]{1,3}){3}/[0-9]{1,2}$" },
                            { "type": "array", "items": { "type": "string", "pattern": "^[0-9]{1,3}(\\.[0-9]{1,3}){3}/[0-9]{1,2}$" } }
                        ]
                    },
                    "disks": {
                        "description": "Cluster disk resources moved into the role.",
                        "oneOf": [
                            { "type": "string", "minLength": 1 },
                            { "type": "array", "items": { "type": "string", "minLength": 1 } }
                        ]
                    },
                    "nodes": {
                        "description": "The nodes the role may run on (its resources' possible owners), where the services are configured; without it, every node of the cluster.",
                        "oneOf": [
                            { "type": "string", "pattern": "^(?![0-9]+$)[A-Za-z0-9][A-Za-z0-9-]{0,14}$" },
                            { "type": "array", "uniqueItems": true, "items": { "type": "string", "pattern": "^(?![0-9]+$)[A-Za-z0-9][A-Za-z0-9-]{0,14}$" } }
                        ]
                    }
                }
            },
            "powershell": { "type": "string", "pattern": "^([1-5](\\.[0-9]+)?|none)$", "description": "The Windows PowerShell the server has (\"2.0\" … \"5.1\") or `none`; without it, the one its Windows release ships. `.ps1` scripts need 2.0." },
            "paths": {
                "type": ["object", "null"],
                "description": "Path variable → absolute location discovered on this server.",
                "additionalProperties": { "type": ["string", "number"] }
            }
        },
        "additionalProperties": { "type": ["string", "number"], "description": "A matrix dimension's value." }
    })
}
