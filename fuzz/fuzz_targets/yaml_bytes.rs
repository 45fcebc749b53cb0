//! Arbitrary bytes as one or two manifest files → analyze → render: must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use meshlint::engine::{analyze, Input, Options};
use meshlint::render::{render, Format, RenderOptions};

fuzz_target!(|data: &[u8]| {
    // a 0xff byte (never valid UTF-8) splits the input into two files, so cross-file
    // references (a VirtualService in one, its DestinationRule in the other) are reached too
    let inputs: Vec<Input> = data
        .splitn(2, |&b| b == 0xff)
        .enumerate()
        .map(|(i, part)| Input::bytes(format!("f{i}.yaml"), Ok(part.to_vec())))
        .collect();
    let report = analyze(inputs, &Options::default());
    let _ = render(&report, Format::Json, &RenderOptions::default());
    let _ = render(&report, Format::Pretty, &RenderOptions::default());
});
