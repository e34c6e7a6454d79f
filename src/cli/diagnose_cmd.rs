//! `mailscope diagnose`: what Microsoft answered (status, headers, body) explained as one JSON
//! object with the cause, the summary and the fix.

use std::io::{Read, Write};

use mailscope::graph::{EndpointKind, diagnose};

use super::args::DiagnoseArgs;
use super::output::{EXIT_CANNOT_RUN, EXIT_OK, EXIT_USAGE, safe, safe_json};

/// Runs `mailscope diagnose` on the real standard streams.
pub fn run(args: DiagnoseArgs) -> u8 {
    run_with(
        &args,
        &mut std::io::stdin(),
        &mut std::io::stdout(),
        &mut std::io::stderr(),
    )
}

/// Runs `mailscope diagnose`: prints one JSON object. Exit 0, or 2 on bad usage.
pub fn run_with(
    args: &DiagnoseArgs,
    stdin: &mut dyn Read,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let Some(kind) = EndpointKind::parse(&args.endpoint) else {
        let _ = writeln!(err, "mailscope diagnose: --endpoint must be token or graph");
        return EXIT_USAGE;
    };
    let mut headers = Vec::new();
    for h in &args.headers {
        match h.split_once(':') {
            Some((n, v)) if !n.trim().is_empty() => {
                headers.push((n.trim().to_string(), v.trim().to_string()))
            }
            _ => {
                let _ = writeln!(
                    err,
                    "mailscope diagnose: --header must look like 'Name: value', got {}",
                    safe(&format!("{h:?}"))
                );
                return EXIT_USAGE;
            }
        }
    }
    let mut body = Vec::new();
    let read = match &args.body_file {
        Some(f) => mailscope::fsutil::read_regular(f, mailscope::fsutil::MAX_DOCUMENT_BYTES)
            .map(|b| body = b)
            .map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", f.display()))),
        None => read_bounded(stdin, &mut body),
    };
    if let Err(e) = read {
        let _ = writeln!(
            err,
            "mailscope diagnose: cannot read the body: {}",
            safe(&e.to_string())
        );
        return EXIT_USAGE;
    }
    let d = diagnose(kind, args.status, &headers, &body);
    match writeln!(out, "{}", safe_json(&d.brief_json().to_string())) {
        Ok(()) => EXIT_OK,
        Err(_) => EXIT_CANNOT_RUN,
    }
}

/// Reads standard input whole, refusing more than a document may hold.
fn read_bounded(stdin: &mut dyn Read, body: &mut Vec<u8>) -> std::io::Result<()> {
    let limit = mailscope::fsutil::MAX_DOCUMENT_BYTES;
    stdin.take(limit + 1).read_to_end(body)?;
    if body.len() as u64 > limit {
        return Err(std::io::Error::new(
            std::io::ErrorKind::FileTooLarge,
            format!(
                "standard input is larger than {} MiB, more than any response body",
                limit >> 20
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diagnose_reads_stdin_and_headers() {
        let args = DiagnoseArgs {
            endpoint: "graph".into(),
            status: 429,
            headers: vec!["Retry-After: 2.5".into()],
            body_file: None,
        };
        let mut stdin: &[u8] = br#"{"error":{"code":"ApplicationThrottled","message":"Application is over its MailboxConcurrency limit."}}"#;
        let (mut out, mut err) = (Vec::new(), Vec::new());
        assert_eq!(run_with(&args, &mut stdin, &mut out, &mut err), 0);
        let v: serde_json::Value = serde_json::from_slice(&out).expect("json");
        assert_eq!(v["cause"], "throttled");
        assert_eq!(v["retry_after_s"], 2.5);
        assert!(v["summary"].as_str().is_some_and(|s| !s.is_empty()));
        assert!(v["fix"].as_str().is_some_and(|s| !s.is_empty()));
    }

    #[test]
    fn an_endless_body_on_standard_input_is_refused() {
        let args = DiagnoseArgs {
            endpoint: "graph".into(),
            status: 403,
            ..Default::default()
        };
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let mut endless = std::io::repeat(b'x');
        assert_eq!(run_with(&args, &mut endless, &mut out, &mut err), 2);
        let err = String::from_utf8_lossy(&err);
        assert!(err.contains("larger than 64 MiB"), "{err}");
    }

    #[test]
    fn diagnose_usage_errors() {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let bad = DiagnoseArgs {
            endpoint: "smtp".into(),
            status: 400,
            ..Default::default()
        };
        assert_eq!(run_with(&bad, &mut &b""[..], &mut out, &mut err), 2);
        let bad = DiagnoseArgs {
            endpoint: "token".into(),
            status: 400,
            headers: vec!["nocolon".into()],
            body_file: None,
        };
        assert_eq!(run_with(&bad, &mut &b""[..], &mut out, &mut err), 2);
        assert!(String::from_utf8_lossy(&err).contains("Name: value"));
    }
}
