//! The bundled fonts (DejaVu Sans, with its licence in `report-templates/fonts/`): the same
//! bytes go to Typst, to the charts and to the web site, and no system font is ever read. So a
//! text the fonts cannot show is caught where it enters, not as a blank in a printed appendix.

use std::sync::OnceLock;

/// DejaVu Sans (regular), compiled in.
pub static FONT_REGULAR: &[u8] = include_bytes!("../report-templates/fonts/DejaVuSans.ttf");
/// DejaVu Sans Bold, compiled in.
pub static FONT_BOLD: &[u8] = include_bytes!("../report-templates/fonts/DejaVuSans-Bold.ttf");

/// Longest text kommunebench accepts for a name or label: far beyond any real one, and well
/// within what a spreadsheet cell (32,767 characters) and a page line can carry.
pub const MAX_LABEL_CHARS: usize = 200;

fn faces() -> &'static [ttf_parser::Face<'static>; 2] {
    static FACES: OnceLock<[ttf_parser::Face<'static>; 2]> = OnceLock::new();
    FACES.get_or_init(|| {
        // Compiled-in fonts known to parse; a failure is a build defect.
        let face = |b| ttf_parser::Face::parse(b, 0).expect("bundled font parses");
        [face(FONT_REGULAR), face(FONT_BOLD)]
    })
}

/// Why a text cannot be printed: the first character no bundled font can show (or a control
/// character), or its length.
pub fn unprintable(text: &str) -> Option<String> {
    if text.chars().count() > MAX_LABEL_CHARS {
        return Some(format!(
            "it is {} characters long; at most {MAX_LABEL_CHARS} are allowed",
            text.chars().count()
        ));
    }
    let faces = faces();
    text.chars().find_map(|c| {
        if c.is_control() {
            Some(format!("it contains the control character U+{:04X}", c as u32))
        } else if c != ' ' && faces.iter().any(|f| f.glyph_index(c).is_none()) {
            Some(format!(
                "the character {c:?} (U+{:04X}) is not in the bundled font DejaVu Sans, so the PDF could not show it",
                c as u32
            ))
        } else {
            None
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn danish_names_print_and_others_are_named() {
        for ok in [
            "Ishøj",
            "Høje-Taastrup",
            "Lyngby-Taarbæk",
            "Ærø",
            "<script>#*$]",
            "−0,26 %",
        ] {
            assert_eq!(unprintable(ok), None, "{ok}");
        }
        assert!(unprintable("Kommune 東京").unwrap().contains("U+6771"));
        assert!(unprintable("a\u{0}b").unwrap().contains("control"));
        assert!(unprintable(&"x".repeat(201))
            .unwrap()
            .contains("201 characters"));
    }
}
