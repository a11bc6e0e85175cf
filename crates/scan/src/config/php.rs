//! PHP configuration files read for what they set: Nextcloud's
//! `$CONFIG = array(…);`, Laravel's and Magento's `return […];`, Drupal's
//! `$settings['redis.connection']['host'] = 'redis';`, WordPress's
//! `define('WP_REDIS_HOST', 'redis');`. Only literals count (strings,
//! numbers, booleans, arrays of them) and reads of environment variables
//! (`env('X', 'd')`, `getenv('X') ?: 'd'`, `$_ENV['X'] ?? 'd'`); any other
//! expression (a call, a concatenation, a constant) is passed over, never
//! guessed. A file that is code rather than such a config, or whose syntax
//! is broken, is read as text (Redis URLs only), as before.

use super::{join, push, push_default, url_lines, ParseError, RawSetting};

/// A token of PHP source.
#[derive(Clone, Debug, PartialEq)]
enum Tok {
    /// `$name`.
    Var(String),
    /// An identifier, keyword or qualified name (`array`, `\OC\Foo`).
    Name(String),
    /// A string (`None` when it interpolates variables) or number literal.
    Lit(Option<String>),
    /// `=>`.
    Arrow,
    /// `=` alone.
    Assign,
    /// `??`.
    Coalesce,
    /// `?:`.
    Elvis,
    /// `::`.
    Scope,
    Punct(char),
    /// Any other operator: never part of a setting.
    Op,
}

/// Tokens with their lines.
type Tokens = Vec<(Tok, u32)>;

/// Tokens of the PHP parts of `text` (between `<?php` and `?>`), with
/// their lines; `None` when the file has no `<?php` tag. Comments are
/// dropped; a string or comment left open is an error, with the tokens
/// before it.
fn tokens(text: &str) -> Option<(Tokens, Option<ParseError>)> {
    let open = text.find("<?php")?;
    let chars: Vec<char> = text.chars().collect();
    let mut i = text[..open].chars().count() + 5;
    let mut line = text[..open].matches('\n').count() as u32 + 1;
    let mut out = Vec::new();
    let error = |out, line: u32, message: &str| {
        let e = ParseError {
            line,
            col: 0,
            message: message.to_string(),
        };
        Some((out, Some(e)))
    };
    let at = |i: usize, s: &str| {
        s.chars()
            .enumerate()
            .all(|(n, c)| chars.get(i + n) == Some(&c))
    };
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\n' => {
                line += 1;
                i += 1;
            }
            c if c.is_whitespace() => i += 1,
            '?' if at(i, "?>") => {
                // Inline HTML up to the next `<?php`; it ends a statement.
                out.push((Tok::Punct(';'), line));
                i += 2;
                while i < chars.len() && !at(i, "<?php") {
                    if chars[i] == '\n' {
                        line += 1;
                    }
                    i += 1;
                }
                i += 5;
            }
            '#' if chars.get(i + 1) == Some(&'[') => {
                // A PHP 8 attribute: no setting.
                out.push((Tok::Op, line));
                i += 1;
            }
            '#' => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '/' if at(i, "//") => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '/' if at(i, "/*") => {
                let start = line;
                i += 2;
                while i < chars.len() && !at(i, "*/") {
                    if chars[i] == '\n' {
                        line += 1;
                    }
                    i += 1;
                }
                if i >= chars.len() {
                    return error(out, start, "a `/*` comment is never closed");
                }
                i += 2;
            }
            '$' if chars
                .get(i + 1)
                .is_some_and(|c| c.is_alphabetic() || *c == '_') =>
            {
                let start = i + 1;
                i += 1;
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                out.push((Tok::Var(chars[start..i].iter().collect()), line));
            }
            c if c.is_alphabetic() || c == '_' || c == '\\' => {
                let start = i;
                while i < chars.len()
                    && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '\\')
                {
                    i += 1;
                }
                out.push((Tok::Name(chars[start..i].iter().collect()), line));
            }
            '\'' | '"' => {
                let start = line;
                let Some((value, end, lines)) = string(&chars, i) else {
                    return error(out, start, "a string is never closed");
                };
                out.push((Tok::Lit(value), start));
                line += lines;
                i = end;
            }
            '<' if at(i, "<<<") => {
                let start = line;
                let Some((value, end, lines)) = heredoc(&chars, i) else {
                    return error(out, start, "a heredoc is never closed");
                };
                out.push((Tok::Lit(value), start));
                line += lines;
                i = end;
            }
            c if c.is_ascii_digit()
                || (c == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit)) =>
            {
                let start = i;
                while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '.') {
                    i += 1;
                }
                let number: String = chars[start..i].iter().filter(|c| **c != '_').collect();
                out.push((Tok::Lit(Some(number)), line));
            }
            _ => {
                let next = chars.get(i + 1).copied();
                let (tok, len) = match (c, next) {
                    ('=', Some('>')) => (Tok::Arrow, 2),
                    ('=', Some('=')) => {
                        (Tok::Op, if chars.get(i + 2) == Some(&'=') { 3 } else { 2 })
                    }
                    ('=', _) => (Tok::Assign, 1),
                    ('?', Some('?')) if chars.get(i + 2) == Some(&'=') => (Tok::Op, 3),
                    ('?', Some('?')) => (Tok::Coalesce, 2),
                    ('?', Some(':')) => (Tok::Elvis, 2),
                    ('?', Some('-')) if chars.get(i + 2) == Some(&'>') => (Tok::Op, 3),
                    (':', Some(':')) => (Tok::Scope, 2),
                    ('-', Some('>')) => (Tok::Op, 2),
                    ('(' | ')' | '[' | ']' | '{' | '}' | ',' | ';' | ':' | '-', _) => {
                        (Tok::Punct(c), 1)
                    }
                    // `.=`, `+=`, `!=`, `<=`, …
                    (_, Some('=')) => (Tok::Op, 2),
                    _ => (Tok::Op, 1),
                };
                out.push((tok, line));
                i += len;
            }
        }
    }
    Some((out, None))
}

/// A quoted string at `start`: (value, end index, newlines in it), the
/// value `None` when a double-quoted string interpolates (`"$x"`, `"{$x}"`).
fn string(chars: &[char], start: usize) -> Option<(Option<String>, usize, u32)> {
    let q = chars[start];
    let mut i = start + 1;
    let mut value = String::new();
    let mut lines = 0;
    let mut interpolates = false;
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            lines += 1;
        }
        if c == q {
            return Some(((!interpolates).then_some(value), i + 1, lines));
        }
        if c == '\\' && i + 1 < chars.len() {
            let next = chars[i + 1];
            if q == '\'' {
                // Only `\\` and `\'` are escapes in single quotes.
                if !matches!(next, '\\' | '\'') {
                    value.push('\\');
                }
                value.push(next);
            } else {
                match next {
                    'n' => value.push('\n'),
                    't' => value.push('\t'),
                    'r' => value.push('\r'),
                    '\\' | '"' | '$' => value.push(next),
                    other => {
                        value.push('\\');
                        value.push(other);
                    }
                }
            }
            if next == '\n' {
                lines += 1;
            }
            i += 2;
            continue;
        }
        if q == '"'
            && c == '$'
            && chars
                .get(i + 1)
                .is_some_and(|n| n.is_alphabetic() || *n == '_' || *n == '{')
        {
            interpolates = true;
        }
        if q == '"' && c == '{' && chars.get(i + 1) == Some(&'$') {
            interpolates = true;
        }
        value.push(c);
        i += 1;
    }
    None
}

/// A heredoc or nowdoc at `start` (`<<<`): its text (`None` when a heredoc
/// interpolates), the index after its closing name, and its newlines.
fn heredoc(chars: &[char], start: usize) -> Option<(Option<String>, usize, u32)> {
    let mut i = start + 3;
    while chars.get(i).is_some_and(|c| *c == ' ' || *c == '\t') {
        i += 1;
    }
    let quote = chars.get(i).copied().filter(|c| matches!(c, '\'' | '"'));
    if quote.is_some() {
        i += 1;
    }
    let name_start = i;
    while chars
        .get(i)
        .is_some_and(|c| c.is_alphanumeric() || *c == '_')
    {
        i += 1;
    }
    let name: String = chars[name_start..i].iter().collect();
    if name.is_empty() {
        return None;
    }
    // The quote that closes the name (`<<<'EOF'`): a file cut off before
    // it holds no heredoc.
    if let Some(q) = quote {
        if chars.get(i) != Some(&q) {
            return None;
        }
        i += 1;
    }
    let rest: String = chars[i..].iter().collect();
    let mut lines = 0;
    let mut body = Vec::new();
    let mut offset = 0;
    for (n, l) in rest.split_inclusive('\n').enumerate() {
        if n > 0 {
            let trimmed = l.trim_start();
            if trimmed.starts_with(&name)
                && !trimmed[name.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '_')
            {
                let indent = l.len() - trimmed.len();
                let end = i + rest[..offset + indent + name.len()].chars().count();
                let text = body.join("").trim_end_matches('\n').to_string();
                let interpolates = quote != Some('\'') && text.contains('$');
                return Some(((!interpolates).then_some(text), end, lines));
            }
            body.push(l);
        }
        if l.ends_with('\n') {
            lines += 1;
        }
        offset += l.len();
    }
    None
}

/// A value as written: a literal, an array, a read of an environment
/// variable, or anything else (not read).
#[derive(Debug)]
enum Value {
    Lit(String, u32),
    /// `null`: no setting.
    Null,
    Array(Vec<(Option<String>, Value)>),
    Env {
        var: String,
        fallback: Option<String>,
        line: u32,
    },
    Unreadable,
}

impl Value {
    /// Data a config file sets, rather than code's result.
    fn is_data(&self) -> bool {
        !matches!(self, Value::Unreadable)
    }
}

/// What a top-level statement is, for deciding whether the file is a config.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Statement {
    /// `$X = data;`, `$X['a'] = data;`, `define('X', data);`, `const X =
    /// data;`, `return data;`.
    Config,
    /// `namespace`, `use`, `declare`, `require`/`include`, an `if` block:
    /// neither config nor code.
    Neutral,
    /// Any other statement: a call, a loop, an assignment of code's result.
    Code,
    /// `function`, `class`, `interface`, `trait`, `enum`: a library, not a
    /// config file.
    Declaration,
}

struct Parser<'t> {
    toks: &'t [(Tok, u32)],
    i: usize,
    out: Vec<RawSetting>,
    /// Redis URLs in strings passed over (in code), kept as text reading
    /// would keep them.
    urls: Vec<(String, u32)>,
    counts: [usize; 4],
    error: Option<ParseError>,
}

impl Parser<'_> {
    fn peek(&self, ahead: usize) -> Option<&Tok> {
        self.toks.get(self.i + ahead).map(|t| &t.0)
    }

    fn is(&self, ahead: usize, c: char) -> bool {
        self.peek(ahead) == Some(&Tok::Punct(c))
    }

    fn name_is(&self, ahead: usize, name: &str) -> bool {
        matches!(self.peek(ahead), Some(Tok::Name(n)) if n.eq_ignore_ascii_case(name))
    }

    fn line(&self) -> u32 {
        self.toks
            .get(self.i)
            .or(self.toks.last())
            .map_or(1, |t| t.1)
    }

    fn fail(&mut self, message: &str) {
        let line = self.line();
        self.fail_at(line, message);
    }

    fn fail_at(&mut self, line: u32, message: &str) {
        if self.error.is_none() {
            self.error = Some(ParseError {
                line,
                col: 0,
                message: message.to_string(),
            });
        }
        self.i = self.toks.len();
    }

    /// Passes over one token, or a balanced bracket group, keeping the
    /// Redis URLs of the strings in it.
    fn skip_one(&mut self) {
        let mut depth = 0usize;
        let start_line = self.line();
        loop {
            let Some((tok, line)) = self.toks.get(self.i).cloned() else {
                if depth > 0 {
                    self.i = self.toks.len();
                    self.error.get_or_insert(ParseError {
                        line: start_line,
                        col: 0,
                        message: "a bracket is never closed".into(),
                    });
                }
                return;
            };
            self.i += 1;
            match tok {
                Tok::Punct('(' | '[' | '{') => depth += 1,
                Tok::Punct(')' | ']' | '}') => {
                    if depth == 0 {
                        // A closer without its opener: not ours to take.
                        self.i -= 1;
                        self.fail("a closing bracket without its opening one");
                        return;
                    }
                    depth -= 1;
                }
                Tok::Lit(Some(s)) if !super::super::settings::find_urls(&s).is_empty() => {
                    self.urls.push((s, line));
                }
                _ => {}
            }
            if depth == 0 {
                return;
            }
        }
    }

    /// Passes over the rest of an expression: up to `,` `)` `]` `}` `;` or
    /// `=>` outside brackets (not taken).
    fn skip_expression(&mut self) {
        while let Some(t) = self.peek(0) {
            if matches!(t, Tok::Punct(',' | ')' | ']' | '}' | ';') | Tok::Arrow) {
                return;
            }
            self.skip_one();
        }
    }

    /// Whether the expression ends here.
    fn at_end(&self) -> bool {
        matches!(
            self.peek(0),
            None | Some(Tok::Punct(',' | ')' | ']' | '}' | ';') | Tok::Arrow)
        )
    }

    /// An expression: a literal, an array or a variable read, then its end
    /// (anything more makes it unreadable: `'a' . $b`).
    fn expression(&mut self, depth: u32) -> Value {
        let value = self.primary(depth);
        let value = match (value, self.peek(0)) {
            // `getenv('X') ?: 'd'`, `$_ENV['X'] ?? 'd'`
            (
                Value::Env {
                    var,
                    fallback: None,
                    line,
                },
                Some(Tok::Elvis | Tok::Coalesce),
            ) => {
                self.i += 1;
                let fallback = match self.primary(depth) {
                    Value::Lit(d, _) => Some(d),
                    _ => None,
                };
                Value::Env {
                    var,
                    fallback,
                    line,
                }
            }
            (value, _) => value,
        };
        if self.at_end() {
            value
        } else {
            self.skip_expression();
            Value::Unreadable
        }
    }

    fn primary(&mut self, depth: u32) -> Value {
        if depth > 64 {
            self.skip_expression();
            return Value::Unreadable;
        }
        let Some((tok, line)) = self.toks.get(self.i).cloned() else {
            return Value::Unreadable;
        };
        match tok {
            Tok::Lit(Some(s)) => {
                self.i += 1;
                Value::Lit(s, line)
            }
            Tok::Punct('-') if matches!(self.peek(1), Some(Tok::Lit(Some(n))) if n.starts_with(|c: char| c.is_ascii_digit())) =>
            {
                let Some(Tok::Lit(Some(n))) = self.peek(1).cloned() else {
                    return Value::Unreadable;
                };
                self.i += 2;
                Value::Lit(format!("-{n}"), line)
            }
            Tok::Name(n) if matches!(n.to_ascii_lowercase().as_str(), "true" | "false") => {
                self.i += 1;
                Value::Lit(n.to_ascii_lowercase(), line)
            }
            Tok::Name(n) if n.eq_ignore_ascii_case("null") => {
                self.i += 1;
                Value::Null
            }
            Tok::Name(n) if n.eq_ignore_ascii_case("array") && self.is(1, '(') => {
                self.i += 2;
                self.array(')', depth)
            }
            Tok::Punct('[') => {
                self.i += 1;
                self.array(']', depth)
            }
            Tok::Punct('(') => {
                // `(getenv('X') ?: 'd')`
                self.i += 1;
                let value = self.expression(depth + 1);
                if self.is(0, ')') {
                    self.i += 1;
                    value
                } else {
                    self.skip_expression();
                    Value::Unreadable
                }
            }
            Tok::Name(n) if self.is(1, '(') && is_env_function(&n) => self.env_call(&n, line),
            // Laravel's `Env::get('X', 'd')`.
            Tok::Name(n)
                if (n.trim_start_matches('\\').eq_ignore_ascii_case("Env")
                    || n.ends_with("\\Env"))
                    && self.peek(1) == Some(&Tok::Scope)
                    && self.name_is(2, "get")
                    && self.is(3, '(') =>
            {
                self.i += 2;
                self.env_call("env", line)
            }
            // `$_ENV['X']`, `$_SERVER['X']`
            Tok::Var(v)
                if matches!(v.as_str(), "_ENV" | "_SERVER")
                    && self.is(1, '[')
                    && self.is(3, ']') =>
            {
                match self.peek(2).cloned() {
                    Some(Tok::Lit(Some(var))) => {
                        self.i += 4;
                        Value::Env {
                            var,
                            fallback: None,
                            line,
                        }
                    }
                    _ => {
                        self.skip_one();
                        Value::Unreadable
                    }
                }
            }
            Tok::Punct(',' | ')' | ']' | '}' | ';') | Tok::Arrow => Value::Unreadable,
            _ => {
                self.skip_one();
                Value::Unreadable
            }
        }
    }

    /// At `(` after `env`/`getenv`: the variable and, for `env`, its
    /// literal default.
    fn env_call(&mut self, function: &str, line: u32) -> Value {
        self.i += 1;
        let getenv = function
            .trim_start_matches('\\')
            .eq_ignore_ascii_case("getenv");
        let Some(Tok::Lit(Some(var))) = self.peek(1).cloned() else {
            self.skip_one();
            return Value::Unreadable;
        };
        let fallback = if !getenv && self.is(2, ',') {
            match (self.peek(3).cloned(), self.peek(4)) {
                (Some(Tok::Lit(Some(d))), Some(Tok::Punct(')'))) => Some(d),
                (Some(Tok::Name(b)), Some(Tok::Punct(')')))
                    if matches!(b.to_ascii_lowercase().as_str(), "true" | "false") =>
                {
                    Some(b.to_ascii_lowercase())
                }
                _ => None,
            }
        } else {
            None
        };
        // The call whole, whatever its default is: an unreadable default
        // leaves the variable's value only (`${X}`).
        self.skip_one();
        Value::Env {
            var,
            fallback,
            line,
        }
    }

    /// Items of `array(…)` or `[…]` up to `close`.
    fn array(&mut self, close: char, depth: u32) -> Value {
        let mut items = Vec::new();
        let open = self.toks[self.i.saturating_sub(1)].1;
        loop {
            match self.peek(0) {
                None => {
                    self.fail_at(open, "an array is never closed");
                    return Value::Unreadable;
                }
                Some(Tok::Punct(c)) if *c == close => {
                    self.i += 1;
                    return Value::Array(items);
                }
                Some(Tok::Punct(',')) => {
                    self.i += 1;
                    continue;
                }
                Some(Tok::Punct(')' | ']' | '}' | ';')) => {
                    self.fail("an array is closed by the wrong bracket");
                    return Value::Unreadable;
                }
                _ => {}
            }
            let before = self.i;
            let first = self.expression(depth + 1);
            if self.peek(0) == Some(&Tok::Arrow) {
                self.i += 1;
                let value = self.expression(depth + 1);
                // A key that is not a literal (`PDO::ATTR_TIMEOUT`) says
                // nothing readable about its value.
                if let Value::Lit(key, _) = first {
                    items.push((Some(key), value));
                }
            } else {
                items.push((None, first));
            }
            if self.i == before {
                self.i += 1;
            }
        }
    }

    /// `['a']['b']` after a variable: `a.b`; `[]` (append) adds nothing.
    /// `None` when an index is not a literal.
    fn indexes(&mut self) -> Option<Vec<String>> {
        let mut path = Vec::new();
        while self.is(0, '[') {
            if self.is(1, ']') {
                self.i += 2;
                continue;
            }
            match (self.peek(1).cloned(), self.is(2, ']')) {
                (Some(Tok::Lit(Some(k))), true) => {
                    path.push(k);
                    self.i += 3;
                }
                _ => return None,
            }
        }
        Some(path)
    }

    /// Ends a statement at its `;` (or the end of a block).
    fn end_statement(&mut self) {
        while let Some(t) = self.peek(0) {
            match t {
                Tok::Punct(';') => {
                    self.i += 1;
                    return;
                }
                Tok::Punct('}') => return,
                _ => self.skip_one(),
            }
        }
    }

    /// A setting for `value` under `key`, when it is data.
    fn set(&mut self, key: &str, value: Value) -> Statement {
        // `$CONFIG = array(` left open: a config, broken.
        if self.error.is_some() {
            return Statement::Config;
        }
        if !value.is_data() {
            return Statement::Code;
        }
        flatten(key, value, &mut self.out);
        Statement::Config
    }

    fn statement(&mut self) {
        let kind = self.statement_kind();
        let slot = match kind {
            Statement::Config => 0,
            Statement::Neutral => 1,
            Statement::Code => 2,
            Statement::Declaration => 3,
        };
        self.counts[slot] += 1;
    }

    fn statement_kind(&mut self) -> Statement {
        let Some(tok) = self.peek(0).cloned() else {
            return Statement::Neutral;
        };
        match tok {
            Tok::Punct(';') => {
                self.i += 1;
                Statement::Neutral
            }
            Tok::Var(name) => {
                self.i += 1;
                let Some(path) = self.indexes() else {
                    self.end_statement();
                    return Statement::Code;
                };
                if self.peek(0) != Some(&Tok::Assign) {
                    self.end_statement();
                    return Statement::Code;
                }
                self.i += 1;
                let value = self.expression(0);
                self.end_statement();
                let key = path.iter().fold(name, |k, p| join(&k, p));
                self.set(&key, value)
            }
            Tok::Name(n) => match n.to_ascii_lowercase().as_str() {
                "define" if self.is(1, '(') => match self.peek(2).cloned() {
                    Some(Tok::Lit(Some(name))) if self.is(3, ',') => {
                        self.i += 4;
                        let value = self.expression(0);
                        if self.is(0, ')') {
                            self.i += 1;
                        }
                        self.end_statement();
                        self.set(&name, value)
                    }
                    _ => {
                        self.end_statement();
                        Statement::Code
                    }
                },
                "const" => {
                    let Some(Tok::Name(name)) = self.peek(1).cloned() else {
                        self.end_statement();
                        return Statement::Code;
                    };
                    if self.peek(2) != Some(&Tok::Assign) {
                        self.end_statement();
                        return Statement::Code;
                    }
                    self.i += 3;
                    let value = self.expression(0);
                    self.end_statement();
                    self.set(&name, value)
                }
                "return" => {
                    self.i += 1;
                    let value = self.expression(0);
                    self.end_statement();
                    self.set("", value)
                }
                "namespace" | "use" | "declare" | "require" | "require_once" | "include"
                | "include_once" => {
                    self.end_statement();
                    Statement::Neutral
                }
                "if" | "elseif" | "else" => {
                    self.if_block();
                    Statement::Neutral
                }
                "function" | "class" | "abstract" | "final" | "readonly" | "interface"
                | "trait" | "enum" => {
                    self.end_block_or_statement();
                    Statement::Declaration
                }
                _ => {
                    self.end_block_or_statement();
                    Statement::Code
                }
            },
            Tok::Punct('}') => {
                self.fail("a closing brace without its block");
                Statement::Code
            }
            _ => {
                self.end_block_or_statement();
                Statement::Code
            }
        }
    }

    /// `if (…) { … }` (`elseif`, `else`): its statements are read as if
    /// its condition held (Drupal's `if (extension_loaded('redis')) { … }`).
    fn if_block(&mut self) {
        self.i += 1;
        if self.is(0, '(') {
            self.skip_one();
        }
        if self.is(0, '{') {
            self.i += 1;
            while self.peek(0).is_some() && !self.is(0, '}') {
                let before = self.i;
                self.statement();
                if self.i == before {
                    self.i += 1;
                }
            }
            if self.is(0, '}') {
                self.i += 1;
            } else {
                self.fail("a block is never closed");
            }
        } else {
            // One statement without braces.
            self.statement();
        }
    }

    /// Passes over a statement, or a declaration with its `{ … }` body.
    fn end_block_or_statement(&mut self) {
        while let Some(t) = self.peek(0) {
            match t {
                Tok::Punct(';') => {
                    self.i += 1;
                    return;
                }
                Tok::Punct('{') => {
                    self.skip_one();
                    return;
                }
                Tok::Punct('}') => return,
                _ => self.skip_one(),
            }
        }
    }
}

/// `env`, `getenv` (any namespace).
fn is_env_function(name: &str) -> bool {
    let name = name.rsplit('\\').next().unwrap_or(name);
    name.eq_ignore_ascii_case("env") || name.eq_ignore_ascii_case("getenv")
}

/// A value's settings under `key`: array keys become dotted keys, maps in
/// a list are indexed, scalars in a list keep the list's key (as YAML's).
fn flatten(key: &str, value: Value, out: &mut Vec<RawSetting>) {
    match value {
        Value::Lit(v, line) => push(out, key, v, line),
        Value::Env {
            var,
            fallback,
            line,
        } => push_default(out, key, &var, fallback.as_deref(), line),
        Value::Array(items) => {
            let mut index = 0usize;
            let line = first_line(&items);
            if !key.is_empty() && !items.is_empty() && super::is_tls_options_key(key) {
                if let Some(line) = line {
                    push(out, key, "true", line);
                }
            }
            for (k, v) in items {
                match k {
                    Some(k) => {
                        if let Ok(n) = k.parse::<usize>() {
                            index = n + 1;
                        }
                        flatten(&join(key, &k), v, out);
                    }
                    None if matches!(v, Value::Array(_)) => {
                        flatten(&join(key, &index.to_string()), v, out);
                        index += 1;
                    }
                    None => {
                        index += 1;
                        flatten(key, v, out);
                    }
                }
            }
        }
        Value::Null | Value::Unreadable => {}
    }
}

fn first_line(items: &[(Option<String>, Value)]) -> Option<u32> {
    items.iter().find_map(|(_, v)| match v {
        Value::Lit(_, line) | Value::Env { line, .. } => Some(*line),
        Value::Array(inner) => first_line(inner),
        _ => None,
    })
}

/// How a PHP file was read.
pub(super) struct Read {
    pub settings: Vec<RawSetting>,
    /// A syntax error in a file that is a config by its statements (those
    /// before the error): it is read as text instead, and the error
    /// reported.
    pub error: Option<ParseError>,
    /// The file is a config file, read for its settings.
    pub structural: bool,
}

/// The settings of a PHP file: structurally when it is a config file, as
/// text (Redis URLs) otherwise. It is a config file when it declares no
/// function or class and more of its top-level statements (and those in
/// `if` blocks) set data (`$X = […]`, `$X['a'] = 'b'`, `define('X', …)`,
/// `const X = …`, `return […]`) than do anything else (`namespace`, `use`,
/// `require` and `declare` do not count).
pub(super) fn read(text: &str) -> Read {
    let as_text = |error| Read {
        settings: url_lines(text),
        error,
        structural: false,
    };
    // No `<?php`: not PHP code at all.
    let Some((toks, broken)) = tokens(text) else {
        return as_text(None);
    };
    let mut p = Parser {
        toks: &toks,
        i: 0,
        out: Vec::new(),
        urls: Vec::new(),
        counts: [0; 4],
        error: None,
    };
    while p.i < toks.len() {
        let before = p.i;
        p.statement();
        if p.i == before {
            p.i += 1;
        }
    }
    let [config, _, code, declarations] = p.counts;
    let is_config = declarations == 0 && config > code;
    match broken.or(p.error) {
        Some(e) if is_config => as_text(Some(e)),
        _ if !is_config => as_text(None),
        _ => {
            let mut settings = p.out;
            for (url, line) in p.urls {
                push(&mut settings, "", url, line);
            }
            Read {
                settings,
                error: None,
                structural: true,
            }
        }
    }
}

/// Whether `text` is a PHP config file ([`read`]'s rule), broken or not.
pub fn is_config(text: &str) -> bool {
    let read = read(text);
    read.structural || read.error.is_some()
}
