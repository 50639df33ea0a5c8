//! Model mode (METHOD.md §5): expected shares fitted on rammevilkår variables, one model per
//! benefit group and period — weighted least squares ([`wls`]) or fractional logit ([`logit`]),
//! both solved by QR — with the prediction variance of every fitted share ([`fit`]).

pub mod diagnostics;
mod fit;
mod logit;
mod wls;

use std::collections::BTreeMap;

use nalgebra::DVector;

use rayon::prelude::*;
use serde::Serialize;

use super::base::Base;
use crate::config::{Config, Method, ModelSpec};
use crate::error::input_error;
use crate::input::Dataset;
use crate::keys::{GroupId, Period};

pub use logit::fractional_logit;
pub use wls::wls;

/// Which standard errors the report gives.
pub const STANDARD_ERRORS: &str = "std_error and t: WLS the conventional σ²(XᵀWX)⁻¹ with σ² = Σwᵢeᵢ²/(n−p) (statsmodels WLS default, R lm(weights=)); fractional logit the HC0 sandwich (XᵀWX)⁻¹(Σ sᵢsᵢᵀ)(XᵀWX)⁻¹ with scores sᵢ = wᵢ(yᵢ−μᵢ)xᵢ, as Papke and Wooldridge (1996) prescribe (statsmodels GLM(..., var_weights=population).fit(cov_type=\"HC0\")) — the binomial's own scale of 1 understates the dispersion of shares many times over. Beside them: conventional_std_error (WLS: the same; fractional logit: (XᵀWX)⁻¹ with scale 1, statsmodels' default) and robust_std_error (WLS: HC3, statsmodels cov_type=\"HC3\"; fractional logit: HC0).";

/// One coefficient.
#[derive(Debug, Clone, Serialize)]
pub struct Coefficient {
    /// `const` for the intercept, else the variable name.
    pub name: String,
    pub estimate: f64,
    /// The standard error reported and used for `t`: conventional for WLS, HC0 sandwich for
    /// fractional logit (see `standard_errors` in the report).
    pub std_error: f64,
    /// estimate / std_error (a z value for fractional logit).
    pub t: f64,
    /// The conventional (model-based) standard error.
    pub conventional_std_error: f64,
    /// The robust one: HC3 for WLS, HC0 for fractional logit.
    pub robust_std_error: f64,
    /// Variance inflation factor (weighted, as the fit); none for the intercept.
    pub vif: Option<f64>,
    /// Standardized coefficient (see `diagnostics` in the report); none for the intercept.
    pub standardized: Option<f64>,
}

/// The fit of one (period, group).
#[derive(Debug, Clone, Serialize)]
pub struct GroupFitReport {
    pub period: Period,
    pub group: GroupId,
    /// `wls` or `fractional-logit`.
    pub method: Method,
    /// Number of municipalities.
    pub n: usize,
    /// Number of parameters including the intercept.
    pub parameters: usize,
    /// Weighted R² of the share.
    pub r2: f64,
    /// Adjusted R²: 1 − (n−1)/(n−p)·(1−R²).
    pub adj_r2: f64,
    /// Leave-one-out root mean squared prediction error of the share (percentage points).
    pub loo_rmse: f64,
    /// Σactual / Σexpected applied when calibration is on, else 1.
    pub calibration_factor: f64,
    /// IRLS iterations (fractional logit), 0 for WLS.
    pub iterations: usize,
    /// Coefficients, intercept first. The dependent variable is the share in percent (WLS) or
    /// the logit of the share as a fraction (fractional logit).
    pub coefficients: Vec<Coefficient>,
    /// Which year (or quarter, or period) each variable's values came from.
    pub sources: Vec<crate::input::Source>,
    /// The five municipalities with the largest Cook's distance, largest first.
    pub influential: Vec<diagnostics::Influence>,
    /// The data the model was fitted on (written as `data/model-input.csv`).
    #[serde(skip)]
    pub design: DesignRows,
}

/// The design of one fit, row by municipality.
#[derive(Debug, Clone, Default)]
pub struct DesignRows {
    pub codes: Vec<crate::keys::Kommunekode>,
    /// The outcome: actual ÷ population 16–66, in percent.
    pub share: Vec<f64>,
    /// The weight: population 16–66.
    pub weight: Vec<f64>,
    /// Every variable's value, in the order of the coefficients after the intercept.
    pub values: Vec<Vec<f64>>,
    /// The fitted share, in percent (before calibration).
    pub fitted: Vec<f64>,
    /// Each variable's weighted mean: the national reference of the contributions.
    pub means: Vec<f64>,
}

/// `data/model.json`.
#[derive(Debug, Clone, Serialize)]
pub struct ModelReport {
    /// Which standard errors are given.
    pub standard_errors: String,
    /// Whether expected counts are calibrated to Σactual per group.
    pub calibrated: bool,
    /// How the error of the expected share enters the rank confidence sets.
    pub expected_error: String,
    /// What the diagnostics are.
    pub diagnostics: String,
    /// Every fit, by period then group.
    pub fits: Vec<GroupFitReport>,
    /// How much the ranks depend on the model: the other specifications, current period.
    pub specifications: Vec<SpecificationSummary>,
}

/// What `data/model.json` says of the diagnostics.
pub const DIAGNOSTICS: &str = "vif: 1/(1−R²) of each variable regressed on the others with the fit's weights; standardized: WLS β·sd(x)/sd(y), fractional logit β·sd(x) (log-odds per standard deviation), weighted standard deviations; influential: the five largest Cook's distances, Dᵢ = wᵢeᵢ²/(p·s²)·hᵢ/(1−hᵢ)² (fractional logit: Pearson residuals, IRLS weights, Pearson dispersion), flagged above 4/n; loo_rmse: leave-one-out prediction error of the share.";

/// One alternative specification, current period, one group: how far its ranks are from the
/// main model's.
#[derive(Debug, Clone, Serialize)]
pub struct SpecificationSummary {
    /// E.g. "uden andel_65_plus" or "fraktionel logit i stedet for WLS".
    pub specification: String,
    pub group: GroupId,
    /// Spearman correlation of its ranks with the main model's.
    pub spearman: f64,
    /// The largest change of place.
    pub max_shift: u32,
    /// Municipalities that move more than 10 places.
    pub moved_over_10: usize,
}

/// What `data/model.json` says of the expected figures' error.
pub const EXPECTED_ERROR: &str = "Prediction variance of each fitted share from the coefficients' covariance (WLS: σ²·xᵢᵀ(XᵀWX)⁻¹xᵢ; fractional logit: delta method with the Pearson dispersion), added to the quasi-binomial variance of the actual share; a total's is the sum of its members' (treated as independent, which errs on the wide side).";

/// Expected shares and their prediction variances for every list.
pub struct Fitted {
    /// (period, group) → expected share (pct.) per municipality.
    pub expected: BTreeMap<(Period, GroupId), Vec<f64>>,
    /// (period, group) → variance of the expected share (pp²) per municipality.
    pub pred_var: BTreeMap<(Period, GroupId), Vec<f64>>,
    pub report: ModelReport,
}

/// A fitted model in numbers.
#[derive(Debug, Clone)]
pub struct Fit {
    /// Coefficients, intercept first.
    pub beta: DVector<f64>,
    /// Conventional standard errors.
    pub std_error: DVector<f64>,
    /// Robust standard errors: HC3 for WLS, HC0 (sandwich) for fractional logit.
    pub robust_std_error: DVector<f64>,
    /// Variance of each fitted value on the response scale (from the coefficients' covariance).
    pub pred_var: DVector<f64>,
    /// Fitted values on the response scale (the share as given in `y`).
    pub fitted: DVector<f64>,
    /// Weighted R².
    pub r2: f64,
    /// Adjusted R².
    pub adj_r2: f64,
    /// Leave-one-out RMSE on the response scale.
    pub loo_rmse: f64,
    /// IRLS iterations (0 for WLS).
    pub iterations: usize,
}

/// Fits every group (not totals) of every period with its configured specification, then sums
/// totals.
pub fn fit_all(
    cfg: &Config,
    ds: &Dataset,
    periods: &[Period],
    bases: &BTreeMap<(Period, GroupId), Base>,
) -> anyhow::Result<Fitted> {
    let (expected, pred_var, reports) =
        fit_with(cfg, ds, periods, bases, &|g| configured_spec(cfg, g), true)?;
    Ok(Fitted {
        expected,
        pred_var,
        report: ModelReport {
            standard_errors: STANDARD_ERRORS.into(),
            calibrated: cfg.expected.calibrate,
            expected_error: EXPECTED_ERROR.into(),
            diagnostics: DIAGNOSTICS.into(),
            fits: reports,
            specifications: Vec::new(),
        },
    })
}

type Lists = BTreeMap<(Period, GroupId), Vec<f64>>;

/// A group's configured specification (every ordinary group has one in model mode).
pub fn configured_spec(cfg: &Config, g: &GroupId) -> ModelSpec {
    cfg.model_spec(g)
        .expect("checked config: every ordinary group has a model spec")
        .clone()
}

/// Fits every ordinary group of every period with the specification `spec_for` gives it; a
/// total's expected share and variance are its members' sums.
pub fn fit_with(
    cfg: &Config,
    ds: &Dataset,
    periods: &[Period],
    bases: &BTreeMap<(Period, GroupId), Base>,
    spec_for: &(dyn Fn(&GroupId) -> ModelSpec + Sync),
    diagnose: bool,
) -> anyhow::Result<(Lists, Lists, Vec<GroupFitReport>)> {
    let members: Vec<&crate::config::Group> = cfg.groups.iter().filter(|g| !g.is_total()).collect();
    let jobs: Vec<(Period, &crate::config::Group)> = periods
        .iter()
        .flat_map(|p| members.iter().map(move |g| (p.clone(), *g)))
        .collect();
    let fits: Vec<(GroupFitReport, Vec<f64>, Vec<f64>)> = jobs
        .par_iter()
        .map(|(period, g)| {
            let key = (period.clone(), g.id.clone());
            fit::fit_one(
                cfg,
                ds,
                (period, &g.id),
                &bases[&key],
                &spec_for(&g.id),
                diagnose,
            )
            .map_err(|e| input_error(format!("model for period {period}, group {}: {e}", g.id)))
        })
        .collect::<anyhow::Result<_>>()?;

    let mut expected = BTreeMap::new();
    let mut pred_var = BTreeMap::new();
    let mut reports = Vec::new();
    for ((period, g), (report, exp, v)) in jobs.iter().zip(fits) {
        let key = (period.clone(), g.id.clone());
        expected.insert(key.clone(), exp);
        pred_var.insert(key, v);
        reports.push(report);
    }
    for period in periods {
        for total in cfg.groups.iter().filter(|g| g.is_total()) {
            let key = (period.clone(), total.id.clone());
            let pop = &bases[&key].population;
            let n = pop.len();
            let mut exp = vec![0.0; n];
            let mut var = vec![0.0; n];
            for m in &total.total_of {
                let mk = (period.clone(), m.clone());
                for i in 0..n {
                    exp[i] += expected[&mk][i];
                    var[i] += pred_var[&mk][i];
                }
            }
            expected.insert(key.clone(), exp);
            pred_var.insert(key, var);
        }
    }
    Ok((expected, pred_var, reports))
}
