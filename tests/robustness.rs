//! Hostile and odd inputs: each must finish quickly, never panic, and end in a clear diagnostic
//! (or nothing) through the library API.

use meshlint::engine::{analyze, Input, Options, Report};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Generous: debug builds are slow, and CI machines slower; a hang is what this catches.
const TIME_LIMIT: Duration = Duration::from_secs(60);

/// Runs `analyze` on another thread (with a big stack, so a recursion problem shows up as a
/// measurable depth, not a crash of the test harness) and fails if it takes too long.
fn run_with(inputs: Vec<Input>, opts: Options) -> (Report, Duration) {
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .stack_size(64 * 1024 * 1024)
        .spawn(move || {
            let t = Instant::now();
            let r = analyze(inputs, &opts);
            let _ = tx.send((r, t.elapsed()));
        })
        .unwrap();
    match rx.recv_timeout(TIME_LIMIT) {
        Ok(x) => x,
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("analysis did not finish in {TIME_LIMIT:?}"),
        Err(e) => panic!("analysis thread died: {e}"),
    }
}

fn run(inputs: Vec<Input>) -> (Report, Duration) {
    run_with(inputs, Options::default())
}

fn codes(r: &Report) -> Vec<&'static str> {
    r.diagnostics.iter().map(|d| d.code).collect()
}

/// Codes, each once, for messages.
fn code_set(r: &Report) -> std::collections::BTreeSet<&'static str> {
    r.diagnostics.iter().map(|d| d.code).collect()
}

/// A classic billion-laughs document: 10 levels of 10 aliases each (10^10 leaves if expanded).
fn billion_laughs() -> String {
    let mut s = String::from("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\n");
    s.push_str("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let p = i - 1;
        s.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    s
}

#[test]
fn billion_laughs_in_an_unmodeled_kind_is_harmless() {
    let (r, t) = run(vec![Input::text("bomb.yaml", billion_laughs())]);
    eprintln!("billion laughs (ConfigMap): {t:?}, {:?}", codes(&r));
    assert!(codes(&r).iter().all(|c| *c == "ML005"));
    assert!(t < Duration::from_secs(10), "took {t:?}");
}

#[test]
fn billion_laughs_inside_an_istio_spec_hits_the_expansion_budget() {
    // the aliases are read by the typed model here (VirtualService http routes), so expanding
    // them must hit the alias budget instead of walking 10^9 nodes
    let mut s = String::from(
        "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: bomb}\nspec:\n  hosts: [a]\n  x0: &r0\n    - route: [{destination: {host: a}}]\n",
    );
    for i in 1..12 {
        let p = i - 1;
        let items = vec![format!("*r{p}"); 10].join(", ");
        s.push_str(&format!("  x{i}: &r{i} [{items}]\n"));
    }
    s.push_str("  http: *r11\n");
    let (r, t) = run(vec![Input::text("bomb.yaml", s)]);
    eprintln!(
        "billion laughs (VirtualService): {t:?}, {} diagnostics",
        r.diagnostics.len()
    );
    assert!(t < Duration::from_secs(20), "took {t:?}");
    // the http list is a list of lists, so the model reports wrong types; what matters is that
    // it stops: either the budget (ML005) is hit, or the element types are rejected early
    assert!(
        r.diagnostics.len() < 10_000,
        "{} diagnostics",
        r.diagnostics.len()
    );
}

#[test]
fn alias_bomb_of_wrongly_typed_matches_stops_early() {
    // every level nests the previous list, so the model rejects the elements by type early
    let mut s = String::from(
        "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: bomb}\nspec:\n  hosts: [a]\n  http:\n",
    );
    s.push_str("  - &h0\n    match: &m0 [{uri: {prefix: /}}, {uri: {prefix: /}}]\n    route: [{destination: {host: a}}]\n");
    for i in 1..10 {
        let p = i - 1;
        s.push_str(&format!(
            "  - &h{i}\n    match: &m{i} [{}]\n    route: [{{destination: {{host: a}}}}]\n",
            vec![format!("*m{p}"); 10].join(", ")
        ));
    }
    let (r, t) = run(vec![Input::text("bomb.yaml", s)]);
    eprintln!("alias bomb of mappings: {t:?}, {:?}", {
        let mut c = codes(&r);
        c.dedup();
        c
    });
    assert!(t < Duration::from_secs(20), "took {t:?}");
    assert!(
        r.diagnostics.len() < 10_000,
        "{} diagnostics",
        r.diagnostics.len()
    );
}

fn assert_only_limit(r: &Report) {
    let c = codes(r);
    assert!(!c.is_empty(), "expected an ML005");
    assert!(c.iter().all(|c| *c == "ML005"), "{c:?}");
}

#[test]
fn deep_flow_nesting() {
    let n = 10_000;
    let text = format!("{}1{}", "[".repeat(n), "]".repeat(n));
    let (r, t) = run(vec![Input::text("deep.yaml", text)]);
    eprintln!("10k-deep flow sequence: {t:?}, {:?}", codes(&r));
    assert_only_limit(&r);
    assert!(t < Duration::from_secs(10), "took {t:?}");
}

#[test]
fn deep_flow_mapping_nesting() {
    let n = 10_000;
    let text = format!("{}1{}", "{a: ".repeat(n), "}".repeat(n));
    let (r, t) = run(vec![Input::text("deep.yaml", text)]);
    eprintln!("10k-deep flow mapping: {t:?}, {:?}", codes(&r));
    assert_only_limit(&r);
    assert!(t < Duration::from_secs(10), "took {t:?}");
}

#[test]
fn unclosed_deep_flow_nesting() {
    let text = "[".repeat(10_000);
    let (r, t) = run(vec![Input::text("deep.yaml", text)]);
    eprintln!("10k unclosed `[`: {t:?}, {:?}", codes(&r));
    let c = codes(&r);
    assert!(!c.is_empty());
    assert!(c.iter().all(|c| *c == "ML005" || *c == "ML001"), "{c:?}");
    assert!(t < Duration::from_secs(10), "took {t:?}");
}

#[test]
fn deep_block_nesting() {
    let n = 10_000;
    let mut text = String::new();
    for i in 0..n {
        text.push_str(&" ".repeat(i));
        text.push_str("a:\n");
    }
    text.push_str(&" ".repeat(n));
    text.push_str("1\n");
    let (r, t) = run(vec![Input::text("deep.yaml", text)]);
    eprintln!("10k-deep block mapping: {t:?}, {:?}", codes(&r));
    assert_only_limit(&r);
    assert!(t < Duration::from_secs(20), "took {t:?}");
}

#[test]
fn deep_block_sequence_nesting() {
    // `- - - - ... 1` on one line
    let text = format!("{}1\n", "- ".repeat(10_000));
    let (r, t) = run(vec![Input::text("deep.yaml", text)]);
    eprintln!("10k-deep block sequence: {t:?}, {:?}", codes(&r));
    assert_only_limit(&r);
    assert!(t < Duration::from_secs(20), "took {t:?}");
}

#[test]
fn nesting_just_under_the_limit_is_fine() {
    let n = 150;
    let text = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: deep}}\ndata: {}1{}\n",
        "[".repeat(n),
        "]".repeat(n)
    );
    let (r, _) = run(vec![Input::text("deep.yaml", text)]);
    assert!(r.diagnostics.is_empty(), "{:?}", codes(&r));
    assert_eq!(r.resources, 1);
}

#[test]
fn binary_junk() {
    // deterministic pseudo-random bytes, with NULs
    let mut x: u32 = 12345;
    let bytes: Vec<u8> = (0..100_000)
        .map(|_| {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            (x >> 16) as u8
        })
        .collect();
    let (r, t) = run(vec![Input::bytes("junk.yaml", Ok(bytes))]);
    eprintln!("binary junk: {t:?}, {:?}", codes(&r));
    assert_eq!(codes(&r), vec!["ML006"]);
}

#[test]
fn binary_junk_without_nul_bytes() {
    // printable-ish junk that is valid UTF-8: it must parse or fail as YAML, never panic
    let mut x: u32 = 777;
    let text: String = (0..200_000)
        .map(|_| {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            let set = b" \n\t:-[]{},&*!|>'\"%@`#?abcdef0123";
            set[(x >> 16) as usize % set.len()] as char
        })
        .collect();
    let (r, t) = run(vec![Input::text("junk.yaml", text)]);
    eprintln!("YAML-ish junk: {t:?}, {} diagnostics", r.diagnostics.len());
    assert!(t < Duration::from_secs(20), "took {t:?}");
}

#[test]
fn invalid_utf8() {
    let mut bytes = b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: caf".to_vec();
    bytes.extend([0xC3, 0x28, b'\n']);
    let (r, _) = run(vec![
        Input::bytes("latin1.yaml", Ok(bytes)),
        Input::text(
            "good.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n",
        ),
    ]);
    assert_eq!(codes(&r), vec!["ML006"]);
    let d = &r.diagnostics[0];
    let span = d.span().unwrap();
    assert_eq!(span.start as usize, 52, "points at the bad byte");
    // the other file is still read
    assert_eq!(r.resources, 1);
    // rendering a report whose source was decoded lossily must not panic
    let _ = meshlint::render::render(&r, meshlint::render::Format::Pretty, &Default::default());
}

#[test]
fn io_error_is_reported() {
    let (r, _) = run(vec![Input::bytes(
        "gone.yaml",
        Err("permission denied".into()),
    )]);
    assert_eq!(codes(&r), vec!["ML006"]);
    assert!(r.diagnostics[0].message.contains("permission denied"));
}

#[test]
fn huge_single_line() {
    // a 5 MB scalar on one line
    let big = "x".repeat(5 * 1024 * 1024);
    let text =
        format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: big}}\ndata: {{k: {big}}}\n");
    let (r, t) = run(vec![Input::text("big.yaml", text)]);
    eprintln!("5 MB line: {t:?}, {:?}", codes(&r));
    assert!(r.diagnostics.is_empty());
    assert_eq!(r.resources, 1);
    assert!(t < Duration::from_secs(20), "took {t:?}");
}

#[test]
fn huge_single_line_flow_list() {
    // 5 MB of `[a, a, a, ...]` on one line
    let items = vec!["a"; 1_700_000].join(", ");
    let text = format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: big}}\nx: [{items}]\n");
    let (r, t) = run(vec![Input::text("big.yaml", text)]);
    eprintln!("5 MB flow list: {t:?}, {:?}", codes(&r));
    assert!(r.diagnostics.is_empty(), "{:?}", codes(&r));
    assert!(t < Duration::from_secs(30), "took {t:?}");
}

#[test]
fn huge_single_line_pretty_render() {
    // a finding on a 1 MB line must render without printing (or scanning forever) the whole line
    let host = "h".repeat(1024 * 1024);
    let text = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: big}}\nx: {host}\ny: {{a: 1, a: 2}}\n"
    );
    let (r, t) = run(vec![Input::text("big.yaml", text)]);
    assert_eq!(codes(&r), vec!["ML004"]);
    let out = meshlint::render::render(&r, meshlint::render::Format::Pretty, &Default::default());
    assert!(out.contains("ML004"));
    assert!(t < Duration::from_secs(20), "took {t:?}");
}

#[test]
fn empty_file() {
    let (r, _) = run(vec![Input::text("empty.yaml", "")]);
    assert!(r.diagnostics.is_empty(), "{:?}", codes(&r));
    assert_eq!(r.files, 1);
    assert_eq!(r.resources, 0);
}

#[test]
fn only_comments_and_markers() {
    let (r, _) = run(vec![Input::text(
        "c.yaml",
        "# nothing here\n---\n---\n# still nothing\n...\n",
    )]);
    assert!(r.diagnostics.is_empty(), "{:?}", codes(&r));
}

#[test]
fn null_document() {
    for text in ["null\n", "~\n", "---\nnull\n---\n", "--- null\n"] {
        let (r, _) = run(vec![Input::text("null.yaml", text)]);
        assert!(r.diagnostics.is_empty(), "{text:?}: {:?}", codes(&r));
    }
}

#[test]
fn non_kubernetes_yaml_is_an_info() {
    let text = "# a docker-compose file\nservices:\n  web:\n    image: nginx\n";
    let (r, _) = run(vec![Input::text("compose.yaml", text)]);
    assert_eq!(codes(&r), vec!["ML007"]);
    assert_eq!(
        r.diagnostics[0].severity,
        meshlint::diagnostics::Severity::Info
    );
    let (r, _) = run(vec![Input::text("list.yaml", "- a\n- b\n")]);
    assert_eq!(codes(&r), vec!["ML007"]);
    let (r, _) = run(vec![Input::text("scalar.yaml", "just some text\n")]);
    assert_eq!(codes(&r), vec!["ML007"]);
}

#[test]
fn file_over_the_size_limit() {
    let opts = Options {
        max_file_bytes: 100,
        ..Options::default()
    };
    let big = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: big}}\ndata: {{k: {}}}\n",
        "x".repeat(200)
    );
    let small = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: s}\n";
    let (r, _) = run_with(
        vec![
            Input::text("big.yaml", big),
            Input::text("small.yaml", small),
        ],
        opts,
    );
    assert_eq!(codes(&r), vec!["ML005"]);
    assert!(r.diagnostics[0].message.contains("byte limit"));
    assert_eq!(r.resources, 1);
    // the limit check happens before decoding: binary junk over the limit is ML005, not ML006
    let opts = Options {
        max_file_bytes: 10,
        ..Options::default()
    };
    let (r, _) = run_with(vec![Input::bytes("b.yaml", Ok(vec![0; 64]))], opts);
    assert_eq!(codes(&r), vec!["ML005"]);
}

#[test]
fn node_count_limit() {
    let mut opts = Options::default();
    opts.limits.max_nodes = 1000;
    let items = vec!["1"; 5000].join(", ");
    let text =
        format!("a: [{items}]\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: ok}}\n");
    let (r, _) = run_with(vec![Input::text("many.yaml", text)], opts);
    assert_eq!(codes(&r), vec!["ML005"]);
    // the second document is still read
    assert_eq!(r.resources, 1);
}

#[test]
fn many_documents() {
    let doc = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n---\n";
    let text = doc.repeat(20_000);
    let (r, t) = run(vec![Input::text("many.yaml", text)]);
    eprintln!("20k documents: {t:?}");
    assert_eq!(r.resources, 20_000);
    assert!(t < Duration::from_secs(30), "took {t:?}");
}

#[test]
fn byte_order_mark_and_crlf() {
    let text = "\u{feff}apiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: bom\r\n";
    let (r, _) = run(vec![Input::text("bom.yaml", text)]);
    assert!(r.diagnostics.is_empty(), "{:?}", codes(&r));
    assert_eq!(r.resources, 1);
}

#[test]
fn alias_cycles_and_unknown_anchors() {
    let text = "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: a}\nspec:\n  hosts: *nope\n  http: &x [*x]\n";
    let (r, t) = run(vec![Input::text("cyc.yaml", text)]);
    eprintln!("alias cycle: {t:?}, {:?}", codes(&r));
    assert!(t < Duration::from_secs(5));
}

#[test]
fn merge_key_self_reference() {
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata: &m\n  <<: *m\n  name: x\n";
    let (r, t) = run(vec![Input::text("merge.yaml", text)]);
    eprintln!("merge self reference: {t:?}, {:?}", codes(&r));
    assert!(t < Duration::from_secs(5));
}

/// `&m {<<: *m}`: the alias points at the mapping that is still open, a cycle through a merge key.
#[test]
fn merge_key_cycle_in_labels() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels: &l\n    app: x\n    <<: *l\nspec: {containers: [{name: c, image: i}]}\n";
    let (r, t) = run(vec![Input::text("merge.yaml", text)]);
    eprintln!("merge cycle in labels: {t:?}, {:?}", codes(&r));
    assert!(t < Duration::from_secs(5));
    assert_eq!(r.resources, 1);
}

/// Merge keys that merge the previous level ten times, ten levels deep: 10^10 merges if each
/// merge is expanded again.
#[test]
fn merge_key_bomb() {
    let mut s = String::from("x:\n  m0: &m0 {a: b}\n");
    for i in 1..10 {
        let p = i - 1;
        let items = vec![format!("*m{p}"); 10].join(", ");
        s.push_str(&format!("  m{i}: &m{i} {{<<: [{items}], k{i}: v}}\n"));
    }
    s.push_str("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels: {<<: *m9, own: o}\nspec: {containers: [{name: c, image: i}]}\n");
    let (r, t) = run(vec![Input::text("merge.yaml", s)]);
    eprintln!("merge bomb: {t:?}, {:?}", code_set(&r));
    assert!(t < Duration::from_secs(10), "took {t:?}");
    assert!(r.diagnostics.is_empty(), "{:?}", code_set(&r));
    assert_eq!(r.resources, 1);
}

/// A long chain of distinct merges (`a1: {<<: *a0}`, `a2: {<<: *a1}`, ...) must not recurse once
/// per link.
#[test]
fn merge_key_chain() {
    let mut s = String::from("x:\n  a0: &a0 {x: y}\n");
    let n = 100_000;
    for i in 1..n {
        s.push_str(&format!("  a{i}: &a{i} {{<<: *a{}, k{i}: v}}\n", i - 1));
    }
    s.push_str(&format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels: {{<<: *a{}}}\n",
        n - 1
    ));
    let (r, t) = run(vec![Input::text("chain.yaml", s)]);
    eprintln!("merge chain: {t:?}, {:?}", code_set(&r));
    assert!(t < Duration::from_secs(20), "took {t:?}");
    assert!(r.diagnostics.is_empty(), "{:?}", code_set(&r));
}

/// Merging one mapping with many keys is linear, not quadratic.
#[test]
fn merge_of_a_big_mapping() {
    let mut s =
        String::from("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations: &big\n");
    for i in 0..100_000 {
        s.push_str(&format!("    k{i}: v\n"));
    }
    s.push_str("  labels: {<<: *big, k1: own}\nspec: {containers: [{name: c, image: i}]}\n");
    let (r, t) = run(vec![Input::text("big.yaml", s)]);
    eprintln!("merge of a 100k-key mapping: {t:?}, {:?}", code_set(&r));
    assert!(r.diagnostics.is_empty(), "{:?}", code_set(&r));
    assert!(t < Duration::from_secs(20), "took {t:?}");
}

/// An alias bomb hidden under an unknown field of an HTTP match: the model does not read it,
/// but the match's canonical form (used to compare matches) walks the whole subtree.
#[test]
fn alias_bomb_under_an_http_match() {
    let mut s = String::from("x0: &x0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let p = i - 1;
        let items = vec![format!("*x{p}"); 10].join(", ");
        s.push_str(&format!("x{i}: &x{i} [{items}]\n"));
    }
    s.push_str("apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: bomb}\nspec:\n  hosts: [a]\n  http:\n  - match: [{uri: {prefix: /}, junk: *x9}]\n    route: [{destination: {host: a}}]\n  tcp:\n  - match: [{port: 1, junk: *x9}]\n    route: [{destination: {host: a}}]\n");
    let (r, t) = run(vec![Input::text("bomb.yaml", s)]);
    eprintln!("alias bomb under a match: {t:?}, {:?}", code_set(&r));
    assert!(code_set(&r).contains("ML005"));
    assert!(t < Duration::from_secs(10), "took {t:?}");
}

/// Many references to one big anchored list: quadratic, not exponential, but still over the
/// expansion budget.
#[test]
fn many_aliases_of_a_big_list() {
    let mut s = String::from("apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: q}\nspec:\n  hosts: [a]\n  http:\n  - match: &m\n");
    for _ in 0..20_000 {
        s.push_str("    - {uri: {prefix: /}}\n");
    }
    s.push_str("    route: [{destination: {host: a}}]\n");
    for _ in 0..2_000 {
        s.push_str("  - {match: *m, route: [{destination: {host: a}}]}\n");
    }
    let (r, t) = run(vec![Input::text("quad.yaml", s)]);
    let mut c = codes(&r);
    c.dedup();
    eprintln!("2000 aliases of a 20k list: {t:?}, {c:?}");
    assert!(c.contains(&"ML005"), "{c:?}");
    assert!(t < Duration::from_secs(30), "took {t:?}");
}

/// A syntax error in document 2 costs only document 2: the DestinationRule of document 1 and
/// the VirtualService of document 3 are still linked, and the VirtualService's bad subset found.
#[test]
fn syntax_error_in_one_document_keeps_the_others() {
    let text = "\
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews, namespace: default}
spec:
  host: reviews
  subsets:
  - {name: v1, labels: {version: v1}}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: broken, namespace: default}
spec:
  hosts: [ratings
  http: []
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: default}
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews, subset: v2}
";
    let (r, _) = run(vec![Input::text("three.yaml", text)]);
    assert_eq!(r.resources, 2);
    let found: Vec<(&str, usize)> = r
        .diagnostics
        .iter()
        .map(|d| {
            let line = text[..d.span().unwrap().start as usize].lines().count();
            (d.code, line)
        })
        .collect();
    // ML001 in document 2 (line 14, where the parser gave up), IST0101 in document 3 (line 23)
    // (and ML012 there too: no Service of `reviews` is in the input)
    assert_eq!(
        found,
        vec![("ML001", 14), ("ML012", 23), ("IST0101", 23)],
        "{found:?}"
    );
    let subset = &r.diagnostics[2];
    assert_eq!(subset.rule, "subset-not-found");
    assert_eq!(
        subset.resource.as_ref().unwrap().to_string(),
        "VirtualService default/reviews"
    );
}
