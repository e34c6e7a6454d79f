//! A cmdlet's `Parameters` object as PowerShell binds it: names are case-insensitive, a
//! switch is `true`/`false`, a multi-valued parameter is a JSON array (or one string), and a
//! name the cmdlet does not have is refused.

use serde_json::{Map, Value};

use super::exchange_reply::CmdletError;

/// The parameters of one call.
pub(crate) struct Params {
    cmdlet: String,
    map: Map<String, Value>,
}

impl Params {
    /// Binds `map` to a cmdlet with these parameter names (switches included) and `required`
    /// ones.
    pub(crate) fn bind(
        cmdlet: &str,
        map: Map<String, Value>,
        known: &[&str],
        required: &[&str],
    ) -> Result<Params, CmdletError> {
        for k in map.keys() {
            if k.starts_with('@') || k.contains("@odata") {
                continue;
            }
            if !known.iter().any(|n| n.eq_ignore_ascii_case(k)) {
                return Err(CmdletError::parameter_not_found(k));
            }
        }
        let p = Params {
            cmdlet: cmdlet.to_string(),
            map,
        };
        for r in required {
            if p.raw(r).is_none_or(Value::is_null) {
                return Err(CmdletError::missing_parameter(&p.cmdlet, r));
            }
        }
        Ok(p)
    }

    fn raw(&self, name: &str) -> Option<&Value> {
        self.map
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    }

    /// A single string value (numbers and booleans as their text); `None` when absent or null.
    pub(crate) fn text(&self, name: &str) -> Result<Option<String>, CmdletError> {
        match self.raw(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.trim().to_string())),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(Value::Bool(b)) => Ok(Some(b.to_string())),
            Some(Value::Array(a)) if a.len() == 1 => match &a[0] {
                Value::String(s) => Ok(Some(s.trim().to_string())),
                _ => Err(CmdletError::bad_value(&self.cmdlet, name)),
            },
            Some(_) => Err(CmdletError::bad_value(&self.cmdlet, name)),
        }
    }

    /// A required single string (checked present by [`Params::bind`]).
    pub(crate) fn need(&self, name: &str) -> Result<String, CmdletError> {
        self.text(name)?
            .filter(|s| !s.is_empty())
            .ok_or_else(|| CmdletError::missing_parameter(&self.cmdlet, name))
    }

    /// A multi-valued parameter (`["a","b"]`, or `"a"`).
    pub(crate) fn list(&self, name: &str) -> Result<Vec<String>, CmdletError> {
        match self.raw(name) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::String(s)) => Ok(vec![s.trim().to_string()]),
            Some(Value::Array(a)) => a
                .iter()
                .map(|v| match v {
                    Value::String(s) => Ok(s.trim().to_string()),
                    _ => Err(CmdletError::bad_value(&self.cmdlet, name)),
                })
                .collect(),
            Some(_) => Err(CmdletError::bad_value(&self.cmdlet, name)),
        }
    }

    /// A switch: present and not `false`.
    pub(crate) fn switch(&self, name: &str) -> bool {
        match self.raw(name) {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(Value::String(s)) => !s.eq_ignore_ascii_case("false"),
            Some(_) => true,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // a panic is the failure report
    use super::*;
    use serde_json::json;

    fn map(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn binds_like_powershell() {
        let p = Params::bind(
            "New-X",
            map(json!({"name": "a", "AppId": ["x", "y"], "WhatIf": false})),
            &["Name", "AppId", "WhatIf"],
            &["Name"],
        )
        .unwrap();
        assert_eq!(p.need("Name").unwrap(), "a");
        assert_eq!(p.list("appid").unwrap(), ["x", "y"]);
        assert!(!p.switch("WhatIf"));
        let e = Params::bind("New-X", map(json!({"Nme": "a"})), &["Name"], &[]).err();
        assert!(e.unwrap().text.contains("'Nme'"));
        let e = Params::bind("New-X", map(json!({})), &["Name"], &["Name"]).err();
        assert!(e.unwrap().text.contains("Name"));
        let p = Params::bind("New-X", map(json!({"Name": {"a": 1}})), &["Name"], &[]).unwrap();
        assert!(p.text("Name").is_err());
    }
}
