#!/usr/bin/env python3
"""CRUD through the official Python SDK against the mock's resource families.

Usage:
    python_crud.py [--endpoint [https://]HOST:PORT] [--ca-file PATH] [--secret-id ID] [--secret-key KEY]

Options fall back to TCMPP_ENDPOINT, TCMPP_CA_FILE, TENCENTCLOUD_SECRET_ID and
TENCENTCLOUD_SECRET_KEY, as for python_interop.py. The endpoint must be a
loopback address.

For each family in FAMILIES (TCMPP's and TCSAS's, on one port), with the SDK's
own request and response models: create one (its name unique to this run),
find it in its list (its id from the create's answer, or from the list), see
it in its describe, modify it and see the change in the list or describe,
delete it (or, without a delete, ask about an unknown id) and see it gone:
the list no longer has it and the describe or modify of its id answers the
family's documented code.

Prints one line per check, then `N passed, M failed`; exits 1 if any failed.
"""

import argparse
import json
import os
import sys
import uuid

for _var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
    os.environ.pop(_var, None)
os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"

from tencentcloud.common import credential  # noqa: E402
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException  # noqa: E402
from tencentcloud.common.profile.client_profile import ClientProfile  # noqa: E402
from tencentcloud.common.profile.http_profile import HttpProfile  # noqa: E402
from tencentcloud.tcmpp.v20240801 import models as tcmpp_models, tcmpp_client  # noqa: E402
from tencentcloud.tcsas.v20250106 import models as tcsas_models, tcsas_client  # noqa: E402

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from checks import CheckFailed, Checks, expect  # noqa: E402

REGION = "ap-singapore"
PLATFORM = "T04257DS9431720WTAG"
RUN = uuid.uuid4().hex[:8]
ICON = "https://files.example.com/icon.png"


def family(name, service, create, listing, modify, gone, id_at=None, find=None, describe=None, delete=None,
           scope=None):
    """One family's walk. create: (action, body); listing: (action, body,
    member the marker shows in); modify: (action, body given the id,
    (member, value) the list or describe then shows); gone: (action asked
    about the deleted or an unknown id, its documented code); id_at: the
    member of the create answer's Data holding the id, else find: (member,
    value) of the created item in the list; describe: (action, member,
    value the create gave it); scope: the parent members a describe or
    delete names besides the id."""
    return dict(name=name, service=service, create=create, listing=listing, modify=modify, gone=gone,
                id_at=id_at, find=find, describe=describe, delete=delete, scope=scope or {})


def marker(name):
    return "py-%s-%s" % (name.lower(), RUN)


FAMILIES = [
    family("Team", "tcmpp",
           create=("CreateTeam", {"TeamName": marker("Team"), "AdminUserId": "U1", "TeamRoleTypeList": [2]}),
           listing=("DescribeTeamList", {}, "TeamName"), find=("TeamName", marker("Team")),
           describe=("DescribeTeam", "TeamName", marker("Team")),
           modify=("ModifyTeam", lambda i: {"TeamId": i, "TeamName": marker("Team2")}, ("TeamName", marker("Team2"))),
           delete="DeleteTeam", gone=("DescribeTeam", "InvalidParameterValue.InvalidTeamId")),
    family("User", "tcmpp",
           create=("CreateUser", {"UserAccount": marker("User"), "UserName": marker("User"), "AccountType": 3,
                                  "Password": "secret", "KeyId": "key-1"}),
           id_at="ResourceId", listing=("DescribeUserList", {}, "UserName"),
           describe=("DescribeUser", "UserName", marker("User")),
           modify=("ModifyUser", lambda i: {"UserId": i, "UserName": marker("User2"), "AccountType": 3},
                   ("UserName", marker("User2"))),
           delete="DeleteUser", gone=("DescribeUser", "InvalidParameterValue.InvalidUserId")),
    family("Application", "tcmpp",
           create=("CreateApplication", {"ApplicationName": marker("App"), "Logo": ICON, "TeamId": "py-team",
                                         "ApplicationType": 2, "Intro": "made by the Python SDK"}),
           id_at="ResourceId", listing=("DescribeApplicationList", {"TeamId": "py-team"}, "ApplicationName"),
           describe=("DescribeApplication", "ApplicationName", marker("App")),
           modify=("ModifyApplication", lambda i: {"ApplicationId": i, "ApplicationName": marker("App2"),
                                                   "Intro": "changed", "Logo": ICON},
                   ("ApplicationName", marker("App2"))),
           delete="DeleteApplication", gone=("DescribeApplication", "InvalidParameterValue.InvalidApplicationId")),
    family("MNP", "tcmpp",
           create=("CreateMNP", {"MNPType": "Life Service->144_Lilliputian Services", "MNPName": marker("MNP"),
                                 "MNPIcon": ICON, "MNPIntro": "intro", "MNPDesc": "desc", "TeamId": "py-team"}),
           id_at="ResourceId", listing=("DescribeMNPList", {"TeamId": "py-team"}, "MNPName"),
           describe=("DescribeMNPDetail", "MNPName", marker("MNP")),
           modify=("ModifyMNP", lambda i: {"MNPId": i, "MNPType": "Life Service->144_Lilliputian Services",
                                           "MNPName": marker("MNP2"), "MNPIntro": "intro", "MNPDesc": "desc"},
                   ("MNPName", marker("MNP2"))),
           delete="DeleteMNP", gone=("DescribeMNP", "InvalidParameterValue.InvalidMNPId")),
    family("TeamMember", "tcmpp",
           create=("CreateTeamMember", {"UserName": marker("Member"), "UserAccount": marker("Member"),
                                        "UserPassword": "secret", "TeamId": "py-team", "RoleId": 20070,
                                        "KeyId": "key-1"}),
           id_at="UserId", listing=("DescribeTeamMemberList", {"TeamId": "py-team"}, "UserName"),
           modify=("ModifyTeamMember", lambda i: {"TeamId": "py-team", "UserId": i, "RoleId": 20071},
                   ("TeamRoleId", 20071)),
           delete="DeleteTeamMember", scope={"TeamId": "py-team"},
           gone=("ModifyTeamMember", "InvalidParameterValue.UserTeamRelationNotExist")),
    family("GlobalDomainACL", "tcmpp",
           create=("CreateGlobalDomainACL", {"DomainUrlList": [marker("Domain") + ".example.com"], "DomainType": 1}),
           listing=("DescribeGlobalDomainACL", {}, "DomainUrl"), find=("DomainUrl", marker("Domain") + ".example.com"),
           modify=("ModifyGlobalDomain", lambda i: {"DomainId": i, "DomainUrl": marker("Domain2") + ".example.com"},
                   ("DomainUrl", marker("Domain2") + ".example.com")),
           delete="DeleteGlobalDomain", gone=("ModifyGlobalDomain", "FailedOperation.RecordNotFound")),
    family("ApplicationSensitiveAPI", "tcmpp",
           create=("CreateApplicationSensitiveAPI",
                   {"ApplicationId": "py-app", "APIList": [{"APIName": marker("API"), "APIDesc": "d", "APIType": 2}]}),
           listing=("DescribeApplicationSensitiveAPIList", {"ApplicationId": "py-app"}, "APIName"), find=("APIName", marker("API")),
           modify=("DisableApplicationSensitiveAPI", lambda i: {"APIId": i}, ("Status", 1)),
           delete="DeleteApplicationSensitiveAPI",
           gone=("EnableApplicationSensitiveAPI", "FailedOperation.RecordNotFound")),
    family("MNPSensitiveAPIPermissionApproval", "tcmpp",
           create=("CreateMNPSensitiveAPIPermissionApproval", {"APIId": "api-py", "ApplyReason": marker("Reason"),
                                                               "MNPId": "mpg9yjc0qbpkelik"}),
           id_at="ResourceId", listing=("DescribeMNPSensitiveAPIPermissionApprovalList", {}, "APIId"),
           describe=("DescribeMNPSensitiveAPIPermissionApproval", "ApplyReason", marker("Reason")),
           modify=("ProcessMNPSensitiveAPIPermissionApproval",
                   lambda i: {"ApprovalNo": i, "ApprovalStatus": 30, "ApprovalNote": "ok"}, ("ApprovalStatus", 30)),
           gone=("DescribeMNPSensitiveAPIPermissionApproval", "InvalidParameterValue.InvalidApprovalNo")),
    family("MNG", "tcsas",
           create=("CreateMNG", {"MNPType": "Game->Casual", "MNPName": marker("MNG"), "MNPIcon": ICON,
                                 "MNPIntro": "intro", "MNPDesc": "desc", "TeamId": "py-team"}),
           id_at="ResourceId", listing=("DescribeMNGList", {"TeamId": "py-team"}, "MNPName"),
           describe=("DescribeMNG", "MNPName", marker("MNG")),
           modify=("ModifyMNG", lambda i: {"MNPId": i, "MNPType": "Game->Casual", "MNPName": marker("MNG2"),
                                           "MNPIntro": "intro", "MNPDesc": "desc"}, ("MNPName", marker("MNG2"))),
           delete="DeleteMNG", gone=("DescribeMNG", "InvalidParameterValue.InvalidMNPId")),
    family("User (TCSAS)", "tcsas",
           create=("CreateUser", {"UserAccount": marker("TUser"), "UserName": marker("TUser"), "AccountType": 3,
                                  "Password": "secret", "KeyId": "key-1"}),
           id_at="ResourceId", listing=("DescribeUserList", {}, "UserName"),
           describe=("DescribeUser", "UserName", marker("TUser")),
           modify=("ModifyUser", lambda i: {"UserId": i, "UserName": marker("TUser2"), "AccountType": 3},
                   ("UserName", marker("TUser2"))),
           delete="DeleteUser", gone=("DescribeUser", "FailedOperation.UserNotFound")),
]

# The id member of each family, as its requests name it.
ID = {"Team": "TeamId", "User": "UserId", "Application": "ApplicationId", "MNP": "MNPId", "TeamMember": "UserId",
      "GlobalDomainACL": "DomainId", "ApplicationSensitiveAPI": "APIId",
      "MNPSensitiveAPIPermissionApproval": "ApprovalNo", "MNG": "MNPId", "User (TCSAS)": "UserId"}


class Sdk:
    """Calls an action of one service by name with a JSON body, through the
    SDK's request model, and gives the answer back as JSON."""

    def __init__(self, client, models):
        self.client, self.models = client, models

    def call(self, action, body):
        req = getattr(self.models, action + "Request")()
        req.from_json_string(json.dumps(dict(body, PlatformId=PLATFORM)))
        resp = getattr(self.client, action)(req)
        return json.loads(resp.to_json_string())


def walk(sdk, f):
    """Runs one family's walk; returns what it saw, for the check's line."""
    id_member = ID[f["name"]]

    def naming(i):
        return dict(f["scope"], **{id_member: i})

    action, body = f["create"]
    created = sdk.call(action, body)
    list_action, list_body, shows = f["listing"]

    def listed():
        out = sdk.call(list_action, dict(list_body, Offset=0, Limit=100))
        items = out["Data"]["DataList"] or []
        expect(out["Data"]["TotalCount"] == len(items), "%s: TotalCount %s for %d items" % (
            list_action, out["Data"]["TotalCount"], len(items)))
        return items

    if f["id_at"]:
        the_id = created["Data"][f["id_at"]]
    else:
        member, value = f["find"]
        found = [i for i in listed() if i.get(member) == value]
        expect(len(found) == 1, "%s lists %d items with %s=%r" % (list_action, len(found), member, value))
        the_id = found[0][id_member]
    expect(the_id not in (None, ""), "no id for the created item")

    def item():
        items = [i for i in listed() if id_member not in i or i.get(id_member) == the_id]
        if items and id_member not in items[0]:
            # TCMPP's application list shows no ids: the marker names it.
            items = [i for i in items if i.get(shows) in (marker("App"), marker("App2"))]
        return items[0] if items else None

    expect(item() is not None, "%s does not list %s" % (list_action, the_id))
    seen = ["created %s" % the_id, "listed"]
    if f["describe"]:
        d_action, d_member, want = f["describe"]
        data = sdk.call(d_action, naming(the_id))["Data"]
        expect(data.get(d_member) == want, "%s shows %s=%r, created with %r" % (d_action, d_member,
                                                                                 data.get(d_member), want))
        seen.append("described")
    m_action, m_body, (member, value) = f["modify"]
    sdk.call(m_action, m_body(the_id))
    shown = [(item() or {}).get(member)]
    if f["describe"]:
        shown.append(sdk.call(f["describe"][0], naming(the_id))["Data"].get(member))
    shown = [s for s in shown if s is not None]
    expect(shown and all(s == value for s in shown), "after %s, %s is %r, not %r" % (m_action, member, shown, value))
    seen.append("modified %s" % member)
    gone_action, code = f["gone"]
    gone_id = the_id
    if f["delete"]:
        sdk.call(f["delete"], naming(the_id))
        expect(item() is None, "%s still lists %s after %s" % (list_action, the_id, f["delete"]))
        seen.append("deleted")
    else:
        gone_id = "no-such-%s" % RUN
    gone_body = m_body(gone_id) if gone_action == m_action else naming(gone_id)
    try:
        sdk.call(gone_action, gone_body)
    except TencentCloudSDKException as e:
        expect(e.get_code() == code, "%s of %s: %s, wanted %s" % (gone_action, gone_id, e.get_code(), code))
        seen.append("then %s: %s" % (gone_action, code))
        return ", ".join(seen)
    raise CheckFailed("%s of %s succeeded, wanted %s" % (gone_action, gone_id, code))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--endpoint", default=os.environ.get("TCMPP_ENDPOINT"))
    parser.add_argument("--ca-file", default=os.environ.get("TCMPP_CA_FILE"))
    parser.add_argument("--secret-id", default=os.environ.get("TENCENTCLOUD_SECRET_ID"))
    parser.add_argument("--secret-key", default=os.environ.get("TENCENTCLOUD_SECRET_KEY"))
    args = parser.parse_args()
    if not (args.endpoint and args.secret_id and args.secret_key):
        parser.error("need --endpoint, --secret-id and --secret-key (or TCMPP_ENDPOINT and TENCENTCLOUD_SECRET_*)")
    transport = {"protocol": "http", "certification": None}
    endpoint = args.endpoint
    if endpoint.startswith("https://"):
        if not args.ca_file:
            parser.error("an https:// endpoint needs --ca-file (or TCMPP_CA_FILE)")
        transport.update(protocol="https", certification=args.ca_file)
    for prefix in ("http://", "https://"):
        if endpoint.startswith(prefix):
            endpoint = endpoint[len(prefix):]
    endpoint = endpoint.rstrip("/")
    if endpoint.rsplit(":", 1)[0] not in ("127.0.0.1", "localhost"):
        parser.error("endpoint %r is not a loopback address" % args.endpoint)

    def sdk(make, models):
        profile = ClientProfile(httpProfile=HttpProfile(endpoint=endpoint, reqMethod="POST", reqTimeout=10, **transport))
        return Sdk(make(credential.Credential(args.secret_id, args.secret_key), REGION, profile), models)

    clients = {"tcmpp": sdk(tcmpp_client.TcmppClient, tcmpp_models),
               "tcsas": sdk(tcsas_client.TcsasClient, tcsas_models)}

    def sdk_error(e):
        if isinstance(e, TencentCloudSDKException):
            return "%s: %s (RequestId %s)" % (e.get_code(), e.get_message(), e.get_request_id())
        return None

    check = Checks(describe=sdk_error)
    for f in FAMILIES:
        check("%s %s: create, list, describe, modify, delete" % (f["service"].upper(), f["name"]),
              lambda f=f: walk(clients[f["service"]], f))
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
