"""Every Graph error the sim produces arrives as msgraph-sdk's typed ODataError with
Microsoft's code (429 and 503 are retried by the SDK's own retry handler and not shown here)."""

import time

import pytest
from azure.core.credentials import AccessToken
from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph.generated.models.attachment_item import AttachmentItem
from msgraph.generated.models.attachment_type import AttachmentType
from msgraph.generated.models.message import Message
from msgraph.generated.models.o_data_errors.o_data_error import ODataError
from msgraph.generated.users.item.messages.item.attachments.create_upload_session.create_upload_session_post_request_body import (
    CreateUploadSessionPostRequestBody,
)
from msgraph.generated.users.item.messages.messages_request_builder import MessagesRequestBuilder
from msgraph.generated.users.item.send_mail.send_mail_post_request_body import (
    SendMailPostRequestBody,
)

from conftest import MAILBOX, OTHER, graph_client


def odata_error(run, coro) -> ODataError:
    with pytest.raises(ODataError) as e:
        run(coro)
    return e.value


def expect(run, coro, status, code):
    err = odata_error(run, coro)
    assert (err.response_status_code, err.error.code) == (status, code), err.error.message
    assert err.error.message
    return err


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
