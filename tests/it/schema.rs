//! The config's JSON schema: `kommunebench schema` prints exactly the committed
//! `config/kommunebench.schema.json`, which accepts every example config and rejects an unknown
//! key. Checked with a small validator for the keywords the schema uses (no network, no extra
//! crates that would change the build's feature set).

use serde_json::{json, Value};

use super::common::{repo, run};

fn schema() -> Value {
    serde_json::from_str(
        &std::fs::read_to_string(repo().join("config/kommunebench.schema.json")).unwrap(),
    )
    .unwrap()
}

fn toml_to_json(v: toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => json!(i),
        toml::Value::Float(f) => json!(f),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect())
        }
    }
}

/// Errors of `v` against `s` (JSON Schema 2020-12 subset: $ref, type, properties, required,
/// additionalProperties, items, const, enum, oneOf, anyOf, minimum, maximum).
fn validate(root: &Value, s: &Value, v: &Value, at: &str, errs: &mut Vec<String>) {
    if let Some(r) = s.get("$ref").and_then(Value::as_str) {
        let name = r.trim_start_matches("#/$defs/");
        validate(root, &root["$defs"][name], v, at, errs);
    }
    if let Some(t) = s.get("type") {
        let types: Vec<&str> = match t {
            Value::String(x) => vec![x.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        let ok = types.iter().any(|t| match *t {
            "object" => v.is_object(),
            "array" => v.is_array(),
            "string" => v.is_string(),
            "boolean" => v.is_boolean(),
            "null" => v.is_null(),
            "integer" => v.is_i64() || v.is_u64(),
            "number" => v.is_number(),
            _ => false,
        });
        if !ok {
            errs.push(format!("{at}: expected {types:?}, found {v}"));
            return;
        }
    }
    if let Some(c) = s.get("const") {
        if c != v {
            errs.push(format!("{at}: expected {c}"));
        }
    }
    if let Some(e) = s.get("enum").and_then(Value::as_array) {
        if !e.contains(v) {
            errs.push(format!("{at}: {v} not in {e:?}"));
        }
    }
    if let (Some(min), Some(x)) = (s.get("minimum").and_then(Value::as_f64), v.as_f64()) {
        if x < min {
            errs.push(format!("{at}: {x} < {min}"));
        }
    }
    if let (Some(max), Some(x)) = (s.get("maximum").and_then(Value::as_f64), v.as_f64()) {
        if x > max {
            errs.push(format!("{at}: {x} > {max}"));
        }
    }
    for (kw, exactly_one) in [("oneOf", true), ("anyOf", false)] {
        if let Some(alts) = s.get(kw).and_then(Value::as_array) {
            let passing = alts
                .iter()
                .filter(|a| {
                    let mut e = Vec::new();
                    validate(root, a, v, at, &mut e);
                    e.is_empty()
                })
                .count();
            if (exactly_one && passing != 1) || passing == 0 {
                errs.push(format!("{at}: {kw} matched {passing} alternatives for {v}"));
            }
        }
    }
    if let (Some(items), Some(arr)) = (s.get("items"), v.as_array()) {
        for (i, x) in arr.iter().enumerate() {
            validate(root, items, x, &format!("{at}[{i}]"), errs);
        }
    }
    if let Some(obj) = v.as_object() {
        let props = s.get("properties").and_then(Value::as_object);
        if let Some(req) = s.get("required").and_then(Value::as_array) {
            for r in req.iter().filter_map(Value::as_str) {
                if !obj.contains_key(r) {
                    errs.push(format!("{at}: missing required key {r:?}"));
                }
            }
        }
        for (k, x) in obj {
            match props.and_then(|p| p.get(k)) {
                Some(ps) => validate(root, ps, x, &format!("{at}.{k}"), errs),
                None => match s.get("additionalProperties") {
                    Some(Value::Bool(false)) => errs.push(format!("{at}: unknown key {k:?}")),
                    Some(extra @ Value::Object(_)) => {
                        validate(root, extra, x, &format!("{at}.{k}"), errs)
                    }
                    _ => {}
                },
            }
        }
    }
}

fn errors(config: &Value) -> Vec<String> {
    let root = schema();
    let mut errs = Vec::new();
    validate(&root, &root, config, "config", &mut errs);
    errs
}

#[test]
fn schema_command_prints_the_committed_schema() {
    let o = run(&["schema"]);
    assert!(o.status.success());
    let committed =
        std::fs::read_to_string(repo().join("config/kommunebench.schema.json")).unwrap();
    assert_eq!(
        String::from_utf8(o.stdout).unwrap().trim_end(),
        committed.trim_end(),
        "regenerate with: cargo run --release -- schema > config/kommunebench.schema.json"
    );
}

#[test]
fn every_example_config_validates_and_names_the_schema() {
    let mut n = 0;
    for e in std::fs::read_dir(repo().join("config")).unwrap() {
        let path = e.unwrap().path();
        if path.extension().is_none_or(|x| x != "toml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with("#:schema ./kommunebench.schema.json"),
            "{} lacks the #:schema line",
            path.display()
        );
        let v = toml_to_json(toml::from_str(&text).unwrap());
        assert_eq!(errors(&v), Vec::<String>::new(), "{}", path.display());
        n += 1;
    }
    assert!(n >= 4, "{n} example configs");
}

#[test]
fn an_unknown_key_is_rejected() {
    let text = std::fs::read_to_string(repo().join("config/kommunebench.toml")).unwrap();
    let mut v = toml_to_json(toml::from_str(&text).unwrap());
    v["report"]["titel"] = json!("a typo");
    let errs = errors(&v);
    assert!(
        errs.iter().any(|e| e.contains("unknown key \"titel\"")),
        "{errs:?}"
    );
    let mut v = toml_to_json(toml::from_str(&text).unwrap());
    v["data"]["inputs"][0]["format"] = json!("json");
    assert!(!errors(&v).is_empty());
}
