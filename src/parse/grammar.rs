//! The pest parser generated from `grammar/amx.pest`.

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/amx.pest"]
pub struct AmxParser;
