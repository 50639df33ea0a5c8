//! Integration tests: one binary (faster to link), one module per concern.

mod calibration;
mod common;
mod continued;
mod contradictions;
mod dst;
mod errors;
mod evidence;
mod html;
mod inputs;
mod model;
mod model_dst;
mod official;
mod output;
mod pdf;
mod pdftext;
mod ranks_oracle;
mod records;
mod records_input;
mod robust;
mod schema;
mod serve;
mod status;
