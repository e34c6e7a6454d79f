use super::*;

fn done(action: &str, objects: &[(&str, &str)]) -> ChangeRecord {
    crate::changes::done_line(Area::Exchange, action, objects)
}

#[test]
fn only_what_mailscope_made_goes_in_the_safe_order_and_mailboxes_stay() {
    let records = [
        done("create-shared-mailbox", &[("address", "box@t")]),
        done(
            "create-group",
            &[("name", "G"), ("primary_smtp_address", "g@t")],
        ),
        done(
            "create-group",
            &[("name", "Old"), ("already_existed", "true")],
        ),
        done("add-member", &[("group", "g@t"), ("address", "a@t")]),
        done(
            "add-member",
            &[
                ("group", "g@t"),
                ("address", "b@t"),
                ("already_existed", "true"),
            ],
        ),
        done("new-access-policy", &[("identity", "pol1")]),
        done("new-service-principal", &[("object_id", "sp1")]),
        done("new-management-scope", &[("name", "scope1")]),
        done("new-role-assignment", &[("name", "ra1")]),
        done("remove-access-policy", &[("identity", "pol1")]),
    ];
    let p = from_records(&records);
    assert_eq!(
        p.removals,
        [
            ExoRemoval::RoleAssignment {
                identity: "ra1".into()
            },
            ExoRemoval::Scope {
                identity: "scope1".into()
            },
            ExoRemoval::ServicePrincipal {
                identity: "sp1".into()
            },
            ExoRemoval::Member {
                group: "g@t".into(),
                member: "a@t".into()
            },
            ExoRemoval::Group {
                identity: "g@t".into()
            },
        ]
    );
    assert_eq!(p.by_hand.len(), 1);
    assert!(p.by_hand[0].contains("box@t"), "{:?}", p.by_hand);
}

#[test]
fn an_earlier_offboard_removal_is_not_planned_again() {
    let records = [
        done("add-member", &[("group", "g@t"), ("address", "a@t")]),
        done("remove-member", &[("group", "G@T"), ("address", "a@t")]),
        done("new-role-assignment", &[("identity", "ra1")]),
    ];
    let p = from_records(&records);
    assert_eq!(
        p.removals,
        [ExoRemoval::RoleAssignment {
            identity: "ra1".into()
        }]
    );
}
