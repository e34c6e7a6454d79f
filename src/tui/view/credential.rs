//! Credential: instructions for the chosen kind, the form, and the certificate's thumbprints.

use mailscope::profile::CredentialKind;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::tui::model::{Model, Wizard};
use crate::tui::screens::credential::Pending;

pub fn draw(frame: &mut Frame, area: Rect, model: &Model, w: &Wizard) {
    let t = &model.theme;
    let st = &w.cred;
    let intro: Vec<Line> = match st.kind() {
        CredentialKind::Secret => vec![
            Line::default(),
            Line::from(vec![
                Span::raw("In the app: "),
                Span::styled(
                    "Certificates & secrets > Client secrets > New client secret",
                    t.key(),
                ),
            ]),
            Line::from(format!(
                "Pick {} months. Copy the Value at once (shown only now), not the Secret ID.",
                w.preset.secret_lifetime_months
            )),
            Line::from(Span::styled(
                "The value goes straight into your OS keyring; it is never written to a file.",
                t.dim(),
            )),
            Line::default(),
        ],
        CredentialKind::Certificate => vec![
            Line::default(),
            Line::from(format!("{} signs in with a certificate.", w.preset.product)),
            Line::from("Ctrl-G makes a self-signed RSA one: the public .cer is written where you"),
            Line::from("say; the private key stays in your OS keyring."),
            Line::from(vec![
                Span::raw("Upload it: "),
                Span::styled(
                    "Certificates & secrets > Certificates > Upload certificate",
                    t.key(),
                ),
            ]),
        ],
    };
    let cert_h = if st.kind() == CredentialKind::Certificate {
        4
    } else {
        0
    };
    let [intro_a, form_a, cert_a] = Layout::vertical([
        Constraint::Length(5),
        Constraint::Fill(1),
        Constraint::Length(cert_h),
    ])
    .areas(area);
    frame.render_widget(Paragraph::new(intro).wrap(Wrap { trim: true }), intro_a);
    super::form::draw(frame, form_a, &st.form, true, t);
    if st.kind() == CredentialKind::Certificate {
        let lines = match (&st.cert, st.pending) {
            (_, Pending::Certificate(_)) => vec![Line::from("Working on the certificate…")],
            (Some(c), _) => vec![
                Line::from(Span::styled(
                    "Match these with the Thumbprint column in the portal:",
                    t.ok(),
                )),
                Line::from(format!("SHA-1   {}", c.sha1)),
                Line::from(format!("SHA-256 {}", c.sha256)),
                Line::from(format!("Public part: {}", c.cer_path)),
            ],
            (None, _) => vec![Line::from(Span::styled(
                "No certificate yet: Ctrl-G generates one, Ctrl-O imports the file named above.",
                t.dim(),
            ))],
        };
        frame.render_widget(Paragraph::new(lines), cert_a);
    }
}
