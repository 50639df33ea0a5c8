//! HTML pages with minijinja. Autoescaping is on for `.html` templates, so every data-derived
//! text is escaped; only our own SVG charts are passed as safe strings.

use std::collections::BTreeMap;

use minijinja::value::Serde;
use minijinja::{context, Environment, Value};
use rayon::prelude::*;

use super::chart::{self, ChartSet, FONT_BOLD, FONT_REGULAR};
use super::{Files, RenderContext, Renderer};
use crate::error::input_error;
use crate::report::charts::{plan, residual_plan, versus_plan, Medium, XyChart};

/// Draws named plain scatters.
fn draw_xy(plan: &BTreeMap<String, XyChart>) -> anyhow::Result<BTreeMap<String, String>> {
    plan.iter()
        .map(|(k, c)| Ok((k.clone(), chart::xy(c)?)))
        .collect()
}
use crate::templates::Templates;

/// The web site: index, method page, a page per municipality, CSS and fonts.
pub struct HtmlSite;

impl Renderer for HtmlSite {
    fn name(&self) -> &'static str {
        "html"
    }

    fn steps(&self, ctx: &RenderContext) -> usize {
        ctx.municipalities.len()
    }

    fn render(&self, ctx: &RenderContext) -> anyhow::Result<Files> {
        let html = Html::new(ctx.templates)?;
        let (cfg, res) = (ctx.config, ctx.results);
        let national = chart::draw(&plan(cfg, res, None, Medium::Screen))?;
        let mut files: Files = vec![
            (
                "index.html".into(),
                html.render("index.html", &ctx.index, Some(&national), "")?
                    .into(),
            ),
            (
                "metode.html".into(),
                html.render_xy(
                    "metode.html",
                    &ctx.index,
                    &draw_xy(&residual_plan(res, cfg, &|c| {
                        ctx.dataset.name(c).to_string()
                    }))?,
                )?
                .into(),
            ),
            (
                "assets/style.css".into(),
                ctx.templates.get("style.css").as_bytes().to_vec(),
            ),
            (
                "assets/site.js".into(),
                ctx.templates.get("site.js").as_bytes().to_vec(),
            ),
            ("assets/DejaVuSans.ttf".into(), FONT_REGULAR.to_vec()),
            ("assets/DejaVuSans-Bold.ttf".into(), FONT_BOLD.to_vec()),
            (
                "assets/LICENSE-DejaVu.txt".into(),
                include_bytes!("../../report-templates/fonts/LICENSE-DejaVu.txt").to_vec(),
            ),
            (".nojekyll".into(), Vec::new()),
        ];
        if ctx.index.versus.is_some() {
            let xy = draw_xy(&versus_plan(res, cfg, &|c| ctx.dataset.name(c).to_string()))?;
            files.push((
                "model.html".into(),
                html.render_xy("model.html", &ctx.index, &xy)?.into(),
            ));
        }
        let pages: Files = ctx
            .municipalities
            .par_iter()
            .map(|(code, v)| {
                let charts = chart::draw(&plan(cfg, res, Some(*code), Medium::Screen))?;
                let page = html.render("kommune.html", v, Some(&charts), "../")?;
                ctx.progress.tick();
                Ok((format!("kommune/{code}.html"), page.into_bytes()))
            })
            .collect::<anyhow::Result<_>>()?;
        files.extend(pages);
        let status: Files = ctx
            .municipalities
            .par_iter()
            .filter(|(_, v)| v.status.is_some())
            .map(|(code, v)| {
                let charts = status_charts(v)?;
                let page = html.render_charts("status.html", v, &charts, "../")?;
                Ok((format!("status/{code}.html"), page.into_bytes()))
            })
            .collect::<anyhow::Result<_>>()?;
        files.extend(status);
        Ok(files)
    }
}

/// The status report's share charts by row id.
pub(crate) fn status_charts(
    v: &crate::report::MunicipalityView,
) -> anyhow::Result<BTreeMap<String, String>> {
    v.status
        .iter()
        .flat_map(|s| &s.rows)
        .map(|r| {
            Ok((
                r.id.clone(),
                chart::share_trend(&r.chart, &format!("andel-{}", r.id))?,
            ))
        })
        .collect()
}

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
            m.insert("map", Value::from_safe_string(c.map.clone()));
            (g.clone(), m)
        })
        .collect();
    Value::from(Serde(&map))
}

/// Text as a CSS string literal for `content:` (print headers): every character outside a
/// small safe set is a CSS escape, so no text can end the string or the `<style>` element.
fn css_string(text: String) -> Value {
    let mut out = String::from("\"");
    for c in text.chars() {
        if c.is_alphanumeric() && c.is_ascii() || matches!(c, ' ' | ',' | '.' | ':' | '-') {
            out.push(c);
        } else {
            out.push_str(&format!("\\{:x} ", c as u32));
        }
    }
    out.push('"');
    Value::from_safe_string(out)
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
        env.add_filter("cssstr", css_string);
        for name in [
            "layout.html",
            "index.html",
            "kommune.html",
            "metode.html",
            "model.html",
            "status.html",
        ] {
            env.add_template_owned(name.to_string(), t.get(name).to_string())
                .map_err(template_error)?;
        }
        Ok(Html { env })
    }

    /// Renders a national page with named plain scatters (`xy.<name>`).
    pub fn render_xy<V: serde::Serialize>(
        &self,
        name: &str,
        view: &V,
        xy: &BTreeMap<String, String>,
    ) -> anyhow::Result<String> {
        self.render_charts(name, view, xy, "")
    }

    /// Renders a page with named charts (`xy.<name>`), `root` leading back to the site root.
    pub fn render_charts<V: serde::Serialize>(
        &self,
        name: &str,
        view: &V,
        xy: &BTreeMap<String, String>,
        root: &str,
    ) -> anyhow::Result<String> {
        let xy: BTreeMap<&String, Value> = xy
            .iter()
            .map(|(k, v)| (k, Value::from_safe_string(v.clone())))
            .collect();
        let ctx =
            context! { v => Value::from(Serde(view)), xy => Value::from(Serde(&xy)), root => root };
        self.env
            .get_template(name)
            .and_then(|t| t.render(ctx))
            .map_err(template_error)
    }

    /// Renders a page template with its view (`v`), charts and the way back to the site root.
    pub fn render<V: serde::Serialize>(
        &self,
        name: &str,
        view: &V,
        charts: Option<&ChartSet>,
        root: &str,
    ) -> anyhow::Result<String> {
        let ctx = match charts {
            Some(c) => {
                context! { v => Value::from(Serde(view)), charts => charts_value(c), root => root }
            }
            None => context! { v => Value::from(Serde(view)), root => root },
        };
        self.env
            .get_template(name)
            .and_then(|t| t.render(ctx))
            .map_err(template_error)
    }
}
