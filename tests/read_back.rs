//! Files read through a reader are not kept while the rules run; the texts of files with
//! findings are read back for rendering. These tests check that the output is the same as with
//! texts kept in memory, that only files with findings are read twice, and that a file which
//! changed in between is reported.

use meshlint::engine::{analyze, Input, Options};
use meshlint::render::{render, Format, RenderOptions};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

const VS: &str = "\u{feff}apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
  namespace: default
spec:
  hosts: [reviews]
  http:
  - route:
    - destination:
        host: reviews
        subset: v2
";

const DR: &str = "apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: reviews
  namespace: default
spec:
  host: reviews
  subsets:
  - name: v1
    labels: {version: v1}
";

const SVC: &str = "apiVersion: v1
kind: Service
metadata:
  name: reviews
  namespace: default
spec:
  selector: {app: reviews}
  ports:
  - port: 9080
    name: http
";

/// An input read through a closure that counts its calls and serves `texts` in turn (the last
/// one again once they run out).
fn counted(path: &str, texts: Vec<&'static str>) -> (Input, Arc<AtomicUsize>) {
    let calls = Arc::new(AtomicUsize::new(0));
    let c = calls.clone();
    let input = Input::read(path, move || {
        let n = c.fetch_add(1, Ordering::SeqCst);
        Ok(texts[n.min(texts.len() - 1)].as_bytes().to_vec())
    });
    (input, calls)
}

fn all_formats(r: &meshlint::engine::Report) -> Vec<String> {
    [Format::Pretty, Format::Json, Format::Compact, Format::Sarif]
        .iter()
        .map(|&f| render(r, f, &RenderOptions::default()))
        .collect()
}

#[test]
fn output_matches_kept_texts_and_only_files_with_findings_are_read_twice() {
    let kept = analyze(
        vec![
            Input::text("vs.yaml", VS),
            Input::text("dr.yaml", DR),
            Input::text("svc.yaml", SVC),
        ],
        &Options::default(),
    );
    let (vs, vs_calls) = counted("vs.yaml", vec![VS]);
    let (dr, dr_calls) = counted("dr.yaml", vec![DR]);
    let (svc, svc_calls) = counted("svc.yaml", vec![SVC]);
    let read = analyze(vec![vs, dr, svc], &Options::default());

    // the subset finding is in vs.yaml and labels the DestinationRule in dr.yaml
    let codes: Vec<&str> = read.diagnostics.iter().map(|d| d.code).collect();
    assert!(codes.contains(&"IST0101"), "{codes:?}");
    assert_eq!(all_formats(&read), all_formats(&kept));
    assert_eq!(vs_calls.load(Ordering::SeqCst), 2);
    assert_eq!(dr_calls.load(Ordering::SeqCst), 2);
    assert_eq!(svc_calls.load(Ordering::SeqCst), 1);
    // the byte order mark is dropped again when the text is read back
    assert!(read
        .sources
        .iter()
        .any(|(_, f)| f.text.starts_with("apiVersion")));
    assert!(read.sources.iter().any(|(_, f)| f.is_unloaded()));
}

#[test]
fn a_file_changed_between_the_reads_is_reported() {
    let changed = "# edited meanwhile\n".to_string() + VS;
    let changed: &'static str = Box::leak(changed.into_boxed_str());
    let (vs, _) = counted("vs.yaml", vec![VS, changed]);
    let r = analyze(vec![vs, Input::text("dr.yaml", DR)], &Options::default());
    let d = r
        .diagnostics
        .iter()
        .find(|d| d.code == "ML006")
        .expect("a finding for the changed file");
    assert_eq!(
        d.message,
        "file `vs.yaml` was read again to show its findings, but it changed; the positions of its findings may be wrong"
    );
    // the findings in it are still shown, over the new text
    assert!(r.diagnostics.iter().any(|d| d.code == "IST0101"));
    assert!(r
        .sources
        .iter()
        .any(|(_, f)| f.text.starts_with("# edited")));
    // sorted: the file-level finding comes first in its file
    assert_eq!(r.diagnostics[0].code, "ML006");
}

#[test]
fn a_file_gone_before_the_second_read_is_reported_and_rendering_does_not_fail() {
    let gone = Arc::new(Mutex::new(false));
    let g = gone.clone();
    let vs = Input::read("vs.yaml", move || {
        let mut gone = g.lock().unwrap();
        if *gone {
            return Err("No such file or directory (os error 2)".to_string());
        }
        *gone = true;
        Ok(VS.as_bytes().to_vec())
    });
    let r = analyze(vec![vs, Input::text("dr.yaml", DR)], &Options::default());
    let d = r
        .diagnostics
        .iter()
        .find(|d| d.code == "ML006")
        .expect("a finding for the vanished file");
    assert!(
        d.message
            .ends_with("but it cannot be read again: No such file or directory (os error 2); the positions of its findings may be wrong"),
        "{}",
        d.message
    );
    for out in all_formats(&r) {
        assert!(out.contains("IST0101"));
    }
}

#[test]
fn not_reported_when_unreadable_input_is_not_selected() {
    let changed: &'static str = Box::leak(format!("#\n{VS}").into_boxed_str());
    let (vs, _) = counted("vs.yaml", vec![VS, changed]);
    let opts = Options {
        select: vec!["IST0101".to_string()],
        ..Options::default()
    };
    let r = analyze(vec![vs, Input::text("dr.yaml", DR)], &opts);
    let codes: Vec<&str> = r.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["IST0101"]);
}
