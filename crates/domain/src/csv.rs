//! CSV as spreadsheets read it: RFC 4180 quoting, CRLF line ends, and no field a
//! spreadsheet would run as a formula. Used by the exports (audit log, monthly report).

/// One field: RFC 4180 quoting, and a leading quote mark for text a spreadsheet would run as
/// a formula (OWASP's list: `=`, `+`, `-`, `@`, TAB and CR); NUL characters are dropped.
pub fn field(value: &str) -> String {
    let value = value.replace('\0', "");
    let value =
        if value.starts_with(['=', '+', '-', '@', '\t', '\r']) && value.parse::<f64>().is_err() {
            format!("'{value}")
        } else {
            value
        };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

/// One record: the fields quoted, joined by commas, ended by CRLF.
pub fn line<S: AsRef<str>>(fields: &[S]) -> String {
    let mut line = fields
        .iter()
        .map(|f| field(f.as_ref()))
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

#[cfg(test)]
mod tests {
    use super::{field, line};

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(field("-5"), "-5");
        assert_eq!(field("\t=1+2"), "'\t=1+2");
        assert_eq!(field("\r=1+2"), "\"'\r=1+2\"");
        assert_eq!(field("\0=1+2"), "'=1+2", "a NUL does not hide a formula");
    }

    #[test]
    fn a_line_quotes_each_field_and_ends_with_crlf() {
        assert_eq!(line(&["a", "b,c", "=1"]), "a,\"b,c\",'=1\r\n");
    }
}
