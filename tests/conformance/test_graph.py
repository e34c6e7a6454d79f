"""msgraph-sdk (Kiota) against the sim: users, messages, folders, drafts, sendMail,
attachments, an upload session, mailboxSettings, $batch with dependsOn."""

import base64

import httpx
from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph.generated.models.attachment_item import AttachmentItem
from msgraph.generated.models.attachment_type import AttachmentType
from msgraph.generated.models.automatic_replies_setting import AutomaticRepliesSetting
from msgraph.generated.models.automatic_replies_status import AutomaticRepliesStatus
from msgraph.generated.models.body_type import BodyType
from msgraph.generated.models.email_address import EmailAddress
from msgraph.generated.models.file_attachment import FileAttachment
from msgraph.generated.models.item_body import ItemBody
from msgraph.generated.models.mailbox_settings import MailboxSettings
from msgraph.generated.models.message import Message
from msgraph.generated.models.recipient import Recipient
from msgraph.generated.users.item.messages.item.attachments.create_upload_session.create_upload_session_post_request_body import (
    CreateUploadSessionPostRequestBody,
)
from msgraph.generated.users.item.messages.item.move.move_post_request_body import (
    MovePostRequestBody,
)
from msgraph.generated.users.item.messages.item.reply.reply_post_request_body import (
    ReplyPostRequestBody,
)
from msgraph.generated.users.item.messages.messages_request_builder import MessagesRequestBuilder
from msgraph.generated.users.item.send_mail.send_mail_post_request_body import (
    SendMailPostRequestBody,
)
from msgraph_core.requests.batch_request_content import BatchRequestContent
from msgraph_core.requests.batch_request_item import BatchRequestItem
from msgraph_core.tasks.page_iterator import PageIterator

from conftest import MAILBOX, OTHER, secret_credential, ssl_context


def recipients(*addresses):
    return [Recipient(email_address=EmailAddress(address=a)) for a in addresses]


def box(graph, address=MAILBOX):
    return graph.users.by_user_id(address)


def query(**kw):
    return RequestConfiguration(
        query_parameters=MessagesRequestBuilder.MessagesRequestBuilderGetQueryParameters(**kw)
    )


def test_user(graph, run):
    user = run(graph.users.by_user_id(OTHER).get())
    assert (user.mail, user.display_name) == (OTHER, "Other Person")


def test_paging_with_page_iterator(graph, run):
    first = run(box(graph).messages.get(request_configuration=query(top=2)))
    assert len(first.value) == 2
    assert first.odata_next_link, "5 seeded messages, pages of 2"
    seen = []

    def collect(m):
        seen.append(m.id)
        return True

    it = PageIterator(first, graph.request_adapter)
    run(it.iterate(collect))
    assert len(seen) == 5 and len(set(seen)) == 5


def test_query_options(graph, run):
    unread = run(box(graph).messages.get(request_configuration=query(filter="isRead eq false")))
    assert unread.value and all(m.is_read is False for m in unread.value)
    ordered = run(
        box(graph).messages.get(
            request_configuration=query(
                filter="receivedDateTime ge 2026-10-01T00:00:00Z",
                orderby=["receivedDateTime asc"],
                count=True,
                select=["subject", "receivedDateTime"],
                top=3,
            )
        )
    )
    times = [m.received_date_time for m in ordered.value]
    assert times == sorted(times)
    assert ordered.odata_count == 5
    assert all(m.body is None for m in ordered.value), "$select applied"
    sender = run(
        box(graph).messages.get(
            request_configuration=query(filter="from/emailAddress/address eq 'customer1@example.com'")
        )
    )
    assert [m.subject for m in sender.value] == ["Question #1"]


def test_max_page_size_preference(graph, run):
    config = query()
    config.headers.add("Prefer", "odata.maxpagesize=1")
    page = run(box(graph).messages.get(request_configuration=config))
    assert len(page.value) == 1 and page.odata_next_link


def test_folders(graph, run):
    folders = run(box(graph).mail_folders.get())
    names = {f.display_name: f for f in folders.value}
    assert {"Inbox", "Drafts", "Sent Items", "Deleted Items"} <= set(names)
    inbox = names["Inbox"]
    again = run(box(graph).mail_folders.by_mail_folder_id(inbox.id).get())
    assert (again.display_name, again.total_item_count) == ("Inbox", inbox.total_item_count)
    msgs = run(box(graph).mail_folders.by_mail_folder_id(inbox.id).messages.get())
    assert all(m.parent_folder_id == inbox.id for m in msgs.value)


def test_draft_created_edited_sent_and_deleted(graph, sim, run):
    before = sim.stats()
    draft = run(box(graph).messages.post(Message(subject="conformance draft")))
    assert draft.is_draft
    msg = box(graph).messages.by_message_id(draft.id)
    edited = run(msg.patch(Message(subject="ready", to_recipients=recipients("c@example.com"))))
    assert edited.subject == "ready"
    run(msg.send.post())
    sent = run(box(graph).mail_folders.by_mail_folder_id("sentitems").messages.get())
    assert "ready" in [m.subject for m in sent.value]
    other = run(box(graph).messages.post(Message(subject="to delete")))
    run(box(graph).messages.by_message_id(other.id).delete())
    after = sim.stats()
    assert after["mails_sent"] == before["mails_sent"] + 1
    assert after["drafts_outstanding"] == before["drafts_outstanding"]


def test_send_mail(graph, sim, run):
    body = SendMailPostRequestBody(
        message=Message(
            subject="from msgraph-sdk",
            body=ItemBody(content_type=BodyType.Text, content="hello"),
            to_recipients=recipients("ops@example.com"),
        ),
        save_to_sent_items=False,
    )
    run(box(graph, OTHER).send_mail.post(body))
    last = sim.stats()["sent_mail"][-1]
    assert (last["subject"], last["to"]) == ("from msgraph-sdk", ["ops@example.com"])


def test_move_and_reply(graph, sim, run):
    inbox = run(box(graph).mail_folders.by_mail_folder_id("inbox").messages.get())
    first = inbox.value[0]
    msg = box(graph).messages.by_message_id(first.id)
    run(msg.reply.post(ReplyPostRequestBody(comment="Thanks")))
    assert sim.stats()["sent_mail"][-1]["subject"] == f"RE: {first.subject}"
    moved = run(msg.move.post(MovePostRequestBody(destination_id="archive")))
    archive = run(box(graph).mail_folders.by_mail_folder_id("archive").get())
    assert moved.parent_folder_id == archive.id


def test_attachments_and_upload_session(graph, sim, run):
    draft = run(box(graph).messages.post(Message(subject="with files")))
    msg = box(graph).messages.by_message_id(draft.id)
    small = FileAttachment(
        odata_type="#microsoft.graph.fileAttachment",
        name="small.txt",
        content_type="text/plain",
        content_bytes=b"small file",
    )
    added = run(msg.attachments.post(small))
    assert added.size == len(b"small file")
    data = bytes(i % 251 for i in range(3 * 1024 * 1024 + 123))
    session = run(
        msg.attachments.create_upload_session.post(
            CreateUploadSessionPostRequestBody(
                attachment_item=AttachmentItem(
                    attachment_type=AttachmentType.File, name="big.bin", size=len(data)
                )
            )
        )
    )
    assert session.next_expected_ranges == ["0-"]
    # The PUTs go to the pre-authenticated upload URL without an Authorization header, as
    # Microsoft's walkthrough shows; 2 MiB chunks, then the remainder. (msgraph-core's
    # LargeFileUploadTask cannot be used for Outlook attachments: it reads nextExpectedRanges
    # as "start-end", while Outlook sends "{start}" -- msgraph-sdk-python-core issue #691; it
    # fails the same way against the sim.)
    chunk = 2 * 1024 * 1024
    with httpx.Client(verify=ssl_context(sim.ca_file)) as c:
        start = 0
        while start < len(data):
            end = min(start + chunk, len(data)) - 1
            r = c.put(
                session.upload_url,
                content=data[start : end + 1],
                headers={
                    "Content-Range": f"bytes {start}-{end}/{len(data)}",
                    "Content-Type": "application/octet-stream",
                },
            )
            if end + 1 < len(data):
                assert r.status_code == 200, r.text
                assert r.json()["nextExpectedRanges"] == [str(end + 1)]
            else:
                assert r.status_code == 201, r.text
                assert "/Attachments('" in r.headers["location"]
            start = end + 1
    listed = run(msg.attachments.get())
    sizes = sorted(a.size for a in listed.value)
    assert sizes == [len(b"small file"), len(data)]


def test_mailbox_settings_patch_merges(graph, run):
    settings = box(graph, OTHER).mailbox_settings
    changed = run(
        settings.patch(
            MailboxSettings(
                automatic_replies_setting=AutomaticRepliesSetting(
                    status=AutomaticRepliesStatus.AlwaysEnabled, internal_reply_message="Away"
                )
            )
        )
    )
    assert changed.automatic_replies_setting.status == AutomaticRepliesStatus.AlwaysEnabled
    now = run(settings.get())
    assert now.automatic_replies_setting.internal_reply_message == "Away"
    assert now.automatic_replies_setting.external_audience is not None, "merged, not replaced"
    assert now.working_hours.start_time is not None


def test_batch_with_depends_on(graph, run):
    create = box(graph).messages.to_post_request_information(Message(subject="batched draft"))
    listing = box(graph).mail_folders.by_mail_folder_id("drafts").messages.to_get_request_information()
    first = BatchRequestItem(request_information=create, id="1")
    second = BatchRequestItem(request_information=listing, id="2", depends_on=["1"])
    content = BatchRequestContent()
    content.add_request("1", first)
    content.add_request("2", second)
    result = run(graph.batch.post(content))
    assert result.get_response_by_id("1").status == 201
    assert result.get_response_by_id("2").status == 200
    # msgraph-core reads an inner body only when it is base64 text (get_bytes_value), not the
    # JSON object Graph returns for JSON responses, so the result is checked with a new GET.
    drafts = run(box(graph).mail_folders.by_mail_folder_id("drafts").messages.get())
    assert "batched draft" in [m.subject for m in drafts.value]


def test_batch_failed_dependency(graph, sim, run):
    missing = box(graph).messages.by_message_id("AAMkADnone").to_get_request_information()
    after = box(graph).messages.to_get_request_information()
    content = BatchRequestContent()
    content.add_request("a", BatchRequestItem(request_information=missing, id="a"))
    content.add_request("b", BatchRequestItem(request_information=after, id="b", depends_on=["a"]))
    result = run(graph.batch.post(content))
    assert result.get_response_by_id("a").status == 404
    # msgraph-core writes the member as "depends_on" (msgraph-sdk-python-core PR #996, open);
    # Graph ignores it, and so does the sim: "b" runs although "a" failed.
    assert result.get_response_by_id("b").status == 200
    # With the member spelled as Graph documents it, "b" fails with its dependency.
    token = secret_credential(sim).get_token(sim.scope).token
    body = {
        "requests": [
            {"id": "a", "method": "GET", "url": f"/users/{MAILBOX}/messages/AAMkADnone"},
            {"id": "b", "method": "GET", "url": f"/users/{MAILBOX}/messages", "dependsOn": ["a"]},
        ]
    }
    with httpx.Client(verify=ssl_context(sim.ca_file)) as c:
        r = c.post(f"{sim.graph}/v1.0/$batch", json=body, headers={"Authorization": f"Bearer {token}"})
    statuses = {x["id"]: x["status"] for x in r.json()["responses"]}
    assert statuses == {"a": 404, "b": 424}
