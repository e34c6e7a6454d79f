//! Hostile strings for the property tests: every quote kind, backticks, subexpressions,
//! statement separators, comment and here-string markers, control characters, long values.

use proptest::prelude::*;

use super::fixtures::Strings;

pub fn hostile() -> impl Strategy<Value = String> {
    let fragment = prop::sample::select(vec![
        "'",
        "''",
        "\u{2018}",
        "\u{2019}",
        "\u{201A}",
        "\u{201B}",
        "\u{201C}",
        "\u{201D}",
        "\u{201E}",
        "\"",
        "`",
        "`n",
        "$()",
        "$(Remove-Mailbox -Identity x)",
        "$var",
        "${x}",
        ";",
        "|",
        "&",
        "#",
        "<#",
        "#>",
        "@'",
        "'@",
        "@\"",
        "\"@",
        "\n",
        "\r",
        "\r\n",
        "\t",
        "\0",
        "\u{85}",
        "\u{2028}",
        "x",
        "\u{e9}",
        "\u{1F600}",
        " ",
        "{",
        "}",
        "(",
        ")",
        "[char]0x27",
        "+",
        "\u{111}",
        "\u{91}",
    ]);
    let piece = prop_oneof![
        3 => fragment.clone().prop_map(String::from),
        1 => any::<char>().prop_map(String::from),
    ];
    prop_oneof![
        30 => prop::collection::vec(piece, 0..24).prop_map(|v| v.concat()),
        1 => (fragment, 100..400usize).prop_map(|(f, n)| f.repeat(n)),
    ]
}

pub fn hostile_strings() -> impl Strategy<Value = Strings> {
    (
        prop::collection::vec(hostile(), 10),
        prop::collection::vec(hostile(), 1..5),
    )
        .prop_map(|(v, mailboxes)| Strings {
            name: v[0].clone(),
            tenant: v[1].clone(),
            client_id: v[2].clone(),
            app_name: v[3].clone(),
            redirect_uri: v[4].clone(),
            sp_id: v[5].clone(),
            cert_file: v[6].clone(),
            group_name: v[7].clone(),
            group_address: v[8].clone(),
            description: v[9].clone(),
            mailboxes,
        })
}
