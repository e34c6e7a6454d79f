//! The scenario a replay generates, as data: a serialisable mirror of the scenario file's keys
//! (`docs/scenario-format.md`), written with the `toml` crate so that no value from a report can
//! add keys, tables or comments of its own.

use serde::{Deserialize, Serialize};

/// A scenario file (the subset a replay writes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioFile {
    pub tenant_id: String,
    pub domains: Vec<String>,
    pub latency_ms: u64,
    pub jitter_ms: u64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub app: Vec<ScenarioApp>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mailbox: Vec<ScenarioMailbox>,
    #[serde(default)]
    pub group: Vec<ScenarioGroup>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub access_policy: Vec<ScenarioPolicy>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rbac_assignment: Vec<ScenarioRbac>,
}

/// `[[app]]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioApp {
    pub client_id: String,
    pub name: String,
    pub roles: Vec<String>,
    pub disabled: bool,
    pub secrets: Vec<ScenarioSecret>,
}

/// One entry of `[[app]] secrets`.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioSecret {
    pub id: String,
    pub value: String,
    pub expires: String,
}

impl std::fmt::Debug for ScenarioSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScenarioSecret")
            .field("id", &self.id)
            .field("value", &"[REDACTED]")
            .field("expires", &self.expires)
            .finish()
    }
}

/// `[[mailbox]]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioMailbox {
    pub address: String,
    pub kind: String,
}

/// `[[group]]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioGroup {
    pub address: String,
    pub members: Vec<String>,
}

/// `[[access_policy]]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioPolicy {
    pub app: String,
    pub group: String,
    pub access: String,
    pub effective_after_s: f64,
}

/// `[[rbac_assignment]]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioRbac {
    pub app: String,
    pub role: String,
    pub group: String,
    pub effective_after_s: f64,
}

/// The first lines of every generated scenario: fixed text, no value from the report.
const HEADER: &str = "# Replay of a mailscope report: it reproduces the report's outcomes, \
not the customer's tenant.\n\n";

impl ScenarioFile {
    /// The scenario as TOML. Serialising these plain structs cannot fail; were it to, the
    /// empty text is refused by the scenario loader with a located message.
    pub fn to_toml(&self) -> String {
        match toml::to_string(self) {
            Ok(body) => format!("{HEADER}{body}"),
            Err(_) => String::new(),
        }
    }
}
