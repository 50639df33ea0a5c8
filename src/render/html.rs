//! HTML pages with minijinja. Autoescaping is on for `.html` templates, so every data-derived
//! text is escaped; only our own SVG charts are passed as safe strings.

use std::collections::BTreeMap;

use minijinja::value::Serde;
use minijinja::{context, Environment, Value};

use super::charts::ChartSet;
use crate::error::input_error;
use crate::templates::Templates;
use crate::view::{IndexView, MunicipalityView};

/// A configured template environment.
pub struct Html {
    env: Environment<'static>,
}

fn charts_value(charts: &ChartSet) -> Value {
    let map: BTreeMap<String, BTreeMap<&str, Value>> = charts
        .iter()
        .map(|(g, c)| {
            let mut m = BTreeMap::new();
            m.insert("bars", Value::from_safe_string(c.bars.clone()));
            m.insert("scatter", Value::from_safe_string(c.scatter.clone()));
            m.insert("trend", Value::from_safe_string(c.trend.clone()));
            (g.clone(), m)
        })
        .collect();
    Value::from(Serde(&map))
}

fn template_error(e: minijinja::Error) -> anyhow::Error {
    let mut msg = match (e.name(), e.line()) {
        (Some(n), Some(l)) => format!("template {n}:{l}: {}", e.kind()),
        (Some(n), None) => format!("template {n}: {}", e.kind()),
        _ => format!("template: {}", e.kind()),
    };
    if let Some(d) = e.detail() {
        msg.push_str(": ");
        msg.push_str(d);
    }
    input_error(msg)
}

impl Html {
    /// Loads the HTML templates.
    pub fn new(t: &Templates) -> anyhow::Result<Html> {
        let mut env = Environment::new();
        for name in ["layout.html", "index.html", "kommune.html", "metode.html"] {
            env.add_template_owned(name.to_string(), t.get(name).to_string())
                .map_err(template_error)?;
        }
        Ok(Html { env })
    }

    fn render(&self, name: &str, ctx: Value) -> anyhow::Result<String> {
        self.env
            .get_template(name)
            .and_then(|t| t.render(ctx))
            .map_err(template_error)
    }

    /// `index.html`.
    pub fn index(&self, v: &IndexView, charts: &ChartSet) -> anyhow::Result<String> {
        self.render(
            "index.html",
            context! { v => Value::from(Serde(v)), charts => charts_value(charts), root => "" },
        )
    }

    /// `metode.html`.
    pub fn metode(&self, v: &IndexView) -> anyhow::Result<String> {
        self.render(
            "metode.html",
            context! { v => Value::from(Serde(v)), root => "" },
        )
    }

    /// `kommune/<code>.html`.
    pub fn kommune(&self, v: &MunicipalityView, charts: &ChartSet) -> anyhow::Result<String> {
        self.render(
            "kommune.html",
            context! { v => Value::from(Serde(v)), charts => charts_value(charts), root => "../" },
        )
    }
}
