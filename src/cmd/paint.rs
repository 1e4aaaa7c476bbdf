//! Output of the authoring commands: colour only on a terminal and never with NO_COLOR set,
//! and stdout that a closed pipe does not break.

use std::io::IsTerminal;

/// ANSI colour for one output stream, or plain text when colour is off.
#[derive(Debug, Clone, Copy)]
pub struct Paint {
    on: bool,
}

impl Paint {
    pub fn stdout() -> Self {
        Self::when(std::io::stdout().is_terminal())
    }

    pub fn stderr() -> Self {
        Self::when(std::io::stderr().is_terminal())
    }

    /// NO_COLOR, when set to anything but the empty string, turns colour off
    /// (https://no-color.org); so does any stream that is not a terminal.
    fn when(terminal: bool) -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Self {
            on: terminal && !no_color,
        }
    }

    fn paint(self, code: &str, text: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    pub fn bold(self, text: &str) -> String {
        self.paint("1", text)
    }

    pub fn dim(self, text: &str) -> String {
        self.paint("2", text)
    }

    pub fn red(self, text: &str) -> String {
        self.paint("1;31", text)
    }

    pub fn green(self, text: &str) -> String {
        self.paint("32", text)
    }

    pub fn yellow(self, text: &str) -> String {
        self.paint("33", text)
    }
}

/// Writes `text` to stdout. A reader that stops early (`witness briefs | head`) closes the
/// pipe; that ends the output quietly instead of with a panic or an error.
pub fn print(text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(anyhow::Error::new(error).context("cannot write to standard output"))
        }
        _ => Ok(()),
    }
}
