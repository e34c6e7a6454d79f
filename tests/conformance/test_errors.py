"""Every Graph error the sim produces arrives as msgraph-sdk's typed ODataError with
Microsoft's code. 429 and 503, which the SDK's retry handler would absorb, are in
test_throttling.py; requests the SDK has no method for (405, a MIME body) are built with the
SDK's own RequestInformation and sent through its request adapter and error mapping."""

import base64
import time

from azure.core.credentials import AccessToken
from kiota_abstractions.base_request_configuration import RequestConfiguration
from kiota_abstractions.method import Method
from kiota_abstractions.request_information import RequestInformation
from msgraph.generated.models.attachment_item import AttachmentItem
from msgraph.generated.models.attachment_type import AttachmentType
from msgraph.generated.models.file_attachment import FileAttachment
from msgraph.generated.models.message import Message
from msgraph.generated.models.o_data_errors.o_data_error import ODataError
from msgraph.generated.users.item.messages.item.attachments.create_upload_session.create_upload_session_post_request_body import (
    CreateUploadSessionPostRequestBody,
)
from msgraph.generated.users.item.messages.messages_request_builder import MessagesRequestBuilder
from msgraph.generated.users.item.send_mail.send_mail_post_request_body import (
    SendMailPostRequestBody,
)

from conftest import MAILBOX, OTHER, SPARE, expect, graph_client


def query(**kw):
    return RequestConfiguration(
        query_parameters=MessagesRequestBuilder.MessagesRequestBuilderGetQueryParameters(**kw)
    )


def test_not_found_family(graph, run):
    box = graph.users.by_user_id(MAILBOX)
    expect(run, box.messages.by_message_id("AAMkADnone").get(), 404, "ErrorItemNotFound")
    expect(run, box.messages.by_message_id("AAMkADnone").send.post(), 404, "ErrorItemNotFound")
    expect(run, box.mail_folders.by_mail_folder_id("nosuchfolder").get(), 404, "ErrorItemNotFound")
    nobody = graph.users.by_user_id("nobody@contoso.com")
    expect(run, nobody.messages.get(), 404, "ErrorInvalidUser")
    expect(run, nobody.get(), 404, "Request_ResourceNotFound")
    onprem = graph.users.by_user_id("onprem@contoso.com")
    expect(run, onprem.messages.get(), 404, "MailboxNotEnabledForRESTAPI")


def test_refused_queries(graph, run):
    msgs = graph.users.by_user_id(MAILBOX).messages
    expect(run, msgs.get(request_configuration=query(filter="nope eq 1")), 400, "RequestBroker--ParseUri")
    expect(
        run,
        msgs.get(request_configuration=query(filter="isRead eq false", orderby=["receivedDateTime"])),
        400,
        "InefficientFilter",
    )
    err = expect(run, msgs.get(request_configuration=query(search='"pizza"')), 400, "BadRequest")
    assert "$search" in err.error.message
    bogus = msgs.with_url(f"{graph.request_adapter.base_url}/users/{MAILBOX}/messages/AAMkAD/bogus")
    err = expect(run, bogus.get(), 400, "BadRequest")
    assert err.error.message == "Resource not found for the segment 'bogus'."


def test_refused_writes(graph, run):
    box = graph.users.by_user_id(OTHER)
    expect(run, box.send_mail.post(SendMailPostRequestBody(message=Message(subject="nobody"))), 400, "ErrorInvalidRecipients")
    inbox = run(box.mail_folders.by_mail_folder_id("inbox").messages.get())
    received = box.messages.by_message_id(inbox.value[0].id)
    expect(run, received.patch(Message(subject="changed")), 400, "ErrorInvalidPropertyUpdateSentMessage")
    draft = run(box.messages.post(Message(subject="small")))
    small = CreateUploadSessionPostRequestBody(
        attachment_item=AttachmentItem(attachment_type=AttachmentType.File, name="s.txt", size=10)
    )
    expect(
        run,
        box.messages.by_message_id(draft.id).attachments.create_upload_session.post(small),
        400,
        "ErrorAttachmentSizeShouldNotBeLessThanMinimumSize",
    )


def test_permission_refusals(basic_graph, run):
    box = basic_graph.users.by_user_id(MAILBOX)
    listed = run(box.messages.get())
    assert listed.value and all(m.body is None for m in listed.value), "ReadBasic: no bodies"
    expect(run, box.messages.by_message_id(listed.value[0].id).attachments.get(), 403, "ErrorAccessDenied")
    expect(run, box.messages.post(Message(subject="x")), 403, "ErrorAccessDenied")
    expect(run, basic_graph.users.by_user_id(MAILBOX).get(), 403, "Authorization_RequestDenied")


class GarbageToken:
    def get_token(self, *scopes, **kwargs):
        return AccessToken("not-a-token", int(time.time()) + 3600)


def test_bad_token_is_invalid_authentication_token(sim, run):
    client = graph_client(sim, GarbageToken())
    err = expect(run, client.users.by_user_id(MAILBOX).messages.get(), 401, "InvalidAuthenticationToken")
    assert "CompactToken parsing failed" in err.error.message


def send(graph, info: RequestInformation):
    """Sends `info` through the SDK's request adapter with Graph's error mapping."""
    return graph.request_adapter.send_no_response_content_async(info, {"XXX": ODataError})


def test_method_not_allowed(graph, run):
    body = SendMailPostRequestBody(message=Message(subject="put"))
    info = graph.users.by_user_id(SPARE).send_mail.to_post_request_information(body)
    info.http_method = Method.PUT
    err = expect(run, send(graph, info), 405, "Request_BadRequest")
    assert err.error.message == "Specified HTTP method is not allowed for the request target."


def test_bodies_over_4_mb_are_refused_and_smaller_ones_served(graph, sim, run):
    box = graph.users.by_user_id(SPARE)
    draft = run(box.messages.post(Message(subject="attachment sizes")))
    attachments = box.messages.by_message_id(draft.id).attachments

    def file(size):
        return FileAttachment(
            odata_type="#microsoft.graph.fileAttachment", name="f.bin", content_bytes=b"7" * size
        )

    # 2.9 MB of file is about 3.9 MB of JSON: over the web framework's 2 MiB default,
    # under Graph's 4 MB, so it is served.
    added = run(attachments.post(file(2_900_000)))
    assert added.size == 2_900_000
    err = expect(run, attachments.post(file(3_300_000)), 413, "RequestEntityTooLarge")
    assert "4MB" in err.error.message
    sent = sim.stats()["mails_sent"]
    big = SendMailPostRequestBody(message=Message(subject="x" * 4_300_000))
    expect(run, box.send_mail.post(big), 413, "RequestEntityTooLarge")
    assert sim.stats()["mails_sent"] == sent


def test_mime_that_is_not_base64(graph, sim, run):
    builder = graph.users.by_user_id(SPARE).send_mail
    info = RequestInformation(Method.POST, builder.url_template, builder.path_parameters)
    info.set_stream_content(b"To: ops@example.com\r\nSubject: raw\r\n\r\nnot base64", "text/plain")
    err = expect(run, send(graph, info), 400, "ErrorMimeContentInvalidBase64String")
    assert err.error.message == "Invalid base64 string for MIME content."
    mime = b"To: ops@example.com\r\nSubject: as MIME\r\n\r\nHello"
    info = RequestInformation(Method.POST, builder.url_template, builder.path_parameters)
    info.set_stream_content(base64.b64encode(mime), "text/plain")
    run(send(graph, info))
    assert sim.stats()["sent_mail"][-1]["subject"] == "as MIME"
