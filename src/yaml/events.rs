//! The thin adapter over saphyr-parser: its events with *byte* spans.
//!
//! saphyr-parser's markers count characters, not bytes. We convert once, here, so that nothing
//! else in meshlint ever sees a character index. For ASCII input (the common case) the two are
//! the same and no table is built.

use saphyr_parser::{Event, Parser, ScalarStyle};
use std::borrow::Cow;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

#[derive(Debug)]
pub enum YEvent<'a> {
    DocumentStart,
    DocumentEnd,
    /// value, style, anchor id (0 = none), tag (`!foo`, `!!str`). The value borrows from the
    /// input whenever saphyr-parser could (plain scalars without folding, most keys), so no
    /// allocation is made per scalar here.
    Scalar(Cow<'a, str>, Style, usize, Option<String>),
    SequenceStart(usize, Option<String>),
    SequenceEnd,
    MappingStart(usize, Option<String>),
    MappingEnd,
    Alias(usize),
}

/// A parse error at a byte offset (relative to the text given to [`EventStream::new`]).
#[derive(Debug, Clone)]
pub struct YError {
    pub offset: usize,
    pub message: String,
}

/// Iterator of `(event, start_byte, end_byte)`.
pub struct EventStream<'a> {
    parser: Parser<'a, saphyr_parser::StrInput<'a>>,
    /// char index → byte offset; empty when the text is ASCII.
    char_to_byte: Vec<u32>,
    len: usize,
    done: bool,
}

impl<'a> EventStream<'a> {
    pub fn new(text: &'a str) -> EventStream<'a> {
        let char_to_byte = if text.is_ascii() {
            Vec::new()
        } else {
            let mut v: Vec<u32> = text.char_indices().map(|(b, _)| b as u32).collect();
            v.push(text.len() as u32);
            v
        };
        EventStream {
            parser: Parser::new_from_str(text),
            char_to_byte,
            len: text.len(),
            done: false,
        }
    }

    fn byte(&self, char_index: usize) -> usize {
        if self.char_to_byte.is_empty() {
            char_index.min(self.len)
        } else {
            self.char_to_byte
                .get(char_index)
                .map(|&b| b as usize)
                .unwrap_or(self.len)
        }
    }
}

fn tag_string(tag: Option<std::borrow::Cow<'_, saphyr_parser::Tag>>) -> Option<String> {
    tag.map(|t| format!("{}{}", t.handle, t.suffix))
}

impl<'a> Iterator for EventStream<'a> {
    type Item = Result<(YEvent<'a>, usize, usize), YError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.done {
                return None;
            }
            let (ev, span) = match self.parser.next_event()? {
                Ok(x) => x,
                Err(e) => {
                    self.done = true;
                    return Some(Err(YError {
                        offset: self.byte(e.marker().index()),
                        message: e.info().to_string(),
                    }));
                }
            };
            let start = self.byte(span.start.index());
            let end = self.byte(span.end.index()).max(start);
            let ev = match ev {
                Event::StreamStart | Event::Nothing => continue,
                Event::StreamEnd => {
                    self.done = true;
                    return None;
                }
                Event::DocumentStart(_) => YEvent::DocumentStart,
                Event::DocumentEnd => YEvent::DocumentEnd,
                Event::Alias(id) => YEvent::Alias(id),
                Event::Scalar(v, style, anchor, tag) => {
                    let style = match style {
                        ScalarStyle::Plain => Style::Plain,
                        ScalarStyle::SingleQuoted => Style::SingleQuoted,
                        ScalarStyle::DoubleQuoted => Style::DoubleQuoted,
                        ScalarStyle::Literal => Style::Literal,
                        _ => Style::Folded,
                    };
                    YEvent::Scalar(v, style, anchor, tag_string(tag))
                }
                Event::SequenceStart(anchor, tag) => YEvent::SequenceStart(anchor, tag_string(tag)),
                Event::SequenceEnd => YEvent::SequenceEnd,
                Event::MappingStart(anchor, tag) => YEvent::MappingStart(anchor, tag_string(tag)),
                Event::MappingEnd => YEvent::MappingEnd,
            };
            return Some(Ok((ev, start, end)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_are_bytes_for_non_ascii_input() {
        let text = "k: é\nb: x\n";
        let evs: Vec<_> = EventStream::new(text).map(|r| r.unwrap()).collect();
        let x = evs
            .iter()
            .find(|(e, _, _)| matches!(e, YEvent::Scalar(v, ..) if v == "x"))
            .unwrap();
        assert_eq!((x.1, x.2), (9, 10));
        assert_eq!(&text[x.1..x.2], "x");
    }
}
