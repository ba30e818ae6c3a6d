#!/usr/bin/env python3
"""Interop check: the official Tencent Cloud Python SDK against the mock server of TCMPP and TCSAS.

Usage:
    python_interop.py [--endpoint [https://]HOST:PORT] [--ca-file PATH] [--secret-id ID] [--secret-key KEY]
                      [--spec PATH] [--tcsas-spec PATH]

Each option falls back to an environment variable: TCMPP_ENDPOINT,
TCMPP_CA_FILE, TENCENTCLOUD_SECRET_ID, TENCENTCLOUD_SECRET_KEY, TCMPP_SPEC
(default: the repository's spec/tcmpp.json), TCSAS_SPEC (spec/tcsas.json). An https:// endpoint needs the
mock's CA file, given to the SDK as HttpProfile(certification=...): the SDK
passes certifi's bundle to requests explicitly, so REQUESTS_CA_BUNDLE does
not reach it. The endpoint must be a loopback address: this
script never talks to anything else.

Besides the seeded DescribeMNPAllStageVersions/CreateMNPVersion checks, it
calls IMPORTED_ACTIONS the way a user of the SDK would: the request is the
SDK's own model, filled by from_json_string from the action's first example
in the spec, and the answer is the SDK's response model, compared member by
member with the example's answer (which is what the mock serves).

Then the same for TCSAS on the same port with the SDK's TcsasClient (the
mock routes each request by its credential scope or, for v1 signatures, its
Version): its own seeded versions, CreateMNPVersion with TCSAS's five extra
members, TCMPP's store untouched, wrong keys, a value and a version TCSAS
refuses, and TCSAS_IMPORTED_ACTIONS with the examples of spec/tcsas.json.

Prints one line per check, then `N passed, M failed`; exits 1 if any check
failed, 2 on a usage error. scripts/python-interop.sh starts the mock and runs it.
"""

import argparse
import json
import os
import sys
import uuid
import warnings

# Never route loopback traffic through a proxy from the environment: the SDK
# reads HTTP_PROXY itself, and requests reads it again.
for _var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
    os.environ.pop(_var, None)
os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"

from tencentcloud.common import credential  # noqa: E402
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException  # noqa: E402
from tencentcloud.common.profile.client_profile import ClientProfile  # noqa: E402
from tencentcloud.common.profile.http_profile import HttpProfile  # noqa: E402
from tencentcloud.tcmpp.v20240801 import errorcodes, models, tcmpp_client  # noqa: E402
from tencentcloud.tcsas.v20250106 import models as tcsas_models, tcsas_client  # noqa: E402

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from checks import CheckFailed, Checks, expect  # noqa: E402

REGION = "ap-singapore"
SEED_MNP_ID = "mpg9yjc0qbpkelik"
SEED_PLATFORM_ID = "T04257DS9431720WTAG"
SEED_PHASES = ["Platform", "Online", "Develop", "Develop", "Develop"]
NEW_VERSION = "1.0.300"
NEW_INTRO = "python sdk interop " + uuid.uuid4().hex[:8]
# The other ways the SDK sends a request: (reqMethod, signMethod, the version it
# creates); "TC3-HMAC-SHA256 unsignedPayload" is TC3 with ClientProfile.unsignedPayload.
UNSIGNED = "TC3-HMAC-SHA256 unsignedPayload"
OTHER_FORMS = [
    ("GET", "TC3-HMAC-SHA256", "1.0.301"),
    ("GET", "HmacSHA1", "1.0.302"),
    ("GET", "HmacSHA256", "1.0.303"),
    ("POST", "HmacSHA1", "1.0.304"),
    ("POST", "HmacSHA256", "1.0.305"),
    ("POST", UNSIGNED, "1.0.306"),
    ("GET", UNSIGNED, "1.0.307"),
]
# How the SDK reaches the mock: "http", or "https" with the mock's CA file (set in main).
TRANSPORT = {"protocol": "http", "certification": None}
DEFAULT_SPEC = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "spec", "tcmpp.json")
DEFAULT_TCSAS_SPEC = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "spec", "tcsas.json")

# Imported actions called with their spec example, chosen for variety: lists
# of objects, of strings and of integers, nested objects in the answer, an
# empty list and an empty request, and each verb. Values come from the spec,
# so only a renamed or removed action needs a change here. Each answers its
# example: actions no resource family keeps, and the families' actions on the
# resources the examples name (the mock's stores are seeded from them); the
# families' own behaviour is python_crud.py's to check.
IMPORTED_ACTIONS = [
    "DescribeMNPReleasedVersionHistory",  # a list answer
    "DescribeUser",  # a family's describe of the example's user
    "DescribeMNPDetail",  # nested objects, a null list in the answer
    "DescribeTeamMemberList",  # an empty list (RoleIds) in the request; a family's list
    "DescribeMNPVersion",
    "CreateTeam",  # a list of integers; answers nothing but RequestId
    "AddTeamMember",  # a list of objects (MemberList)
    "CreateMNPDomainACL",  # a list of objects, each with a list of strings
    "CreateApplicationSensitiveAPI",
    "ProcessMNPApproval",
    "CreatePresetKey",  # an empty request
    "ModifyDomain",
    "ModifyTeamMember",
    "ReleaseMNPVersion",
    "DeleteTeamMember",
    "DeleteApplicationSensitiveAPI",
]
# The negative check: this action's example without this required member.
MISSING_ACTION, MISSING_MEMBER = "AddTeamMember", "MemberList"

# TCSAS on the same server: its seed (its own spec's example), what a create adds.
TCSAS_SEED_PHASES = ["Platform", "Online"]
TCSAS_NEW_VERSION = "2.0.300"
# TCSAS's ways of sending checked beside the default (TC3 over POST): v1 is
# routed by its Version alone.
TCSAS_FORMS = [("GET", "TC3-HMAC-SHA256"), ("POST", "HmacSHA256"), ("GET", "HmacSHA1")]
# TCSAS actions called with their spec example: shared with TCMPP and its own
# (mini games, analytics, payments), small and large requests and answers.
TCSAS_IMPORTED_ACTIONS = [
    "DescribeMNPList",  # shared with TCMPP, a paged list
    "AddTeamMember",  # a list of objects
    "CreateMNPDomainACL",  # objects holding lists of strings
    "CreateMNPSecretKey",
    "CreatePresetKey",  # an empty request
    "DeleteTeamMember",
    "DescribeMNG",  # TCSAS's own: mini games
    "CreateMNGDomainACL",
    "DescribeMNGPaymentRetentionAnalysis",  # a large nested answer
    "DescribeMNPActiveUserRealTimeStatistics",
    "RequestPaymentMerchantBinding",
    "DescribeApplicationConfigFile",
]


def client(endpoint, secret_id, secret_key, method="POST", sign_method="TC3-HMAC-SHA256", sdk_client=tcmpp_client.TcmppClient):
    # protocol="http" is what selects plain HTTP in this SDK (HttpProfile
    # sets scheme = protocol; the default is https), certification the CA
    # bundle requests verifies HTTPS with (default: certifi's). reqMethod POST sends a
    # JSON body; TC3-HMAC-SHA256 is the default signMethod, named here anyway.
    # GET sends the parameters in the query string; HmacSHA1 and HmacSHA256
    # are v1 signatures (a form-encoded body for POST). unsignedPayload sends
    # X-TC-Content-SHA256: UNSIGNED-PAYLOAD and leaves the body unsigned.
    http = HttpProfile(endpoint=endpoint, reqMethod=method, reqTimeout=10, **TRANSPORT)
    profile = ClientProfile(signMethod=sign_method.split()[0], httpProfile=http)
    profile.unsignedPayload = sign_method == UNSIGNED
    return sdk_client(credential.Credential(secret_id, secret_key), REGION, profile)


def describe_request(platform_id=SEED_PLATFORM_ID, sdk_models=models):
    req = sdk_models.DescribeMNPAllStageVersionsRequest()
    req.MNPId = SEED_MNP_ID
    if platform_id is not None:
        req.PlatformId = platform_id
    return req


def strip_none(value):
    """A model's to_json_string() output without the members it leaves unset."""
    if isinstance(value, dict):
        return {k: strip_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [strip_none(v) for v in value]
    return value


def same_scalar(want, got):
    # JSON true is not 1, and 1 is not "1".
    if isinstance(want, bool) or isinstance(got, bool):
        return want is got
    if isinstance(want, (int, float)) and isinstance(got, (int, float)):
        return want == got
    return type(want) is type(got) and want == got


def differences(want, got, path=""):
    """Where got lacks or differs from something in want (extra members in got are fine)."""
    if isinstance(want, dict):
        if not isinstance(got, dict):
            return ["%s: %r, wanted an object" % (path or "(top)", got)]
        out = []
        for k, v in want.items():
            sub = "%s.%s" % (path, k) if path else k
            if k not in got:
                out.append("%s: missing" % sub)
            else:
                out.extend(differences(v, got[k], sub))
        return out
    if isinstance(want, list):
        if not isinstance(got, list) or len(got) != len(want):
            return ["%s: %r, wanted %r" % (path, got, want)]
        out = []
        for i, (w, g) in enumerate(zip(want, got)):
            out.extend(differences(w, g, "%s[%d]" % (path, i)))
        return out
    return [] if same_scalar(want, got) else ["%s: %r, wanted %r" % (path, got, want)]


def leaves(value, path=()):
    """(path, value) of every non-null scalar, depth first."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from leaves(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from leaves(v, path + (i,))
    elif value is not None:
        yield path, value


def through_attributes(model, path):
    """model.A.B[0].C, as user code reads it."""
    for step in path:
        model = model[step] if isinstance(step, int) else getattr(model, step)
    return model


def path_text(path):
    return "".join("[%d]" % p if isinstance(p, int) else ("." if i else "") + p for i, p in enumerate(path))


class Spec:
    def __init__(self, path):
        with open(path, encoding="utf-8") as f:
            self.actions = json.load(f)["actions"]

    def action(self, name):
        action = self.actions.get(name)
        if action is None:
            raise CheckFailed("%s is not an action of the spec" % name)
        return action

    def example(self, name):
        examples = self.action(name).get("examples") or []
        if not examples or "request" not in examples[0] or "response" not in examples[0]:
            raise CheckFailed("the spec has no example request and answer for %s" % name)
        return examples[0]["request"], examples[0]["response"]["Response"]

    def required(self, name):
        return [m["name"] for m in self.action(name)["request"]["members"] if m.get("required")]


def sdk_request(action, body, sdk_models=models):
    """The SDK's request model for action, filled from a JSON body as a user would."""
    cls = getattr(sdk_models, action + "Request", None)
    expect(cls is not None, "the SDK has no %s.%sRequest" % (sdk_models.__name__, action))
    req = cls()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        req.from_json_string(json.dumps(body))
    expect(not caught, "the SDK's %sRequest does not take: %s" % (action, "; ".join(str(w.message) for w in caught)))
    return req


def call_sdk(client, action, req):
    """client.<action>(req); a warning from the SDK (an answer member its model lacks) fails the call."""
    method = getattr(client, action, None)
    expect(method is not None, "%s has no method %s" % (type(client).__name__, action))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        resp = method(req)
    expect(not caught, "the SDK's %sResponse does not know: %s" % (action, "; ".join(str(w.message) for w in caught)))
    return resp


def expect_error(call, code):
    try:
        resp = call()
    except TencentCloudSDKException as e:
        expect(e.get_code() == code, "error code %r, wanted %r (message: %s)" % (e.get_code(), code, e.get_message()))
        expect(e.get_request_id(), "error has no RequestId")
        return "%s (RequestId %s)" % (e.get_code(), e.get_request_id())
    raise CheckFailed("succeeded, wanted %s: %s" % (code, resp.to_json_string()))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--endpoint", default=os.environ.get("TCMPP_ENDPOINT"), help="[http(s)://]HOST:PORT of the mock")
    parser.add_argument("--ca-file", default=os.environ.get("TCMPP_CA_FILE"), help="the mock's root certificate, for https://")
    parser.add_argument("--secret-id", default=os.environ.get("TENCENTCLOUD_SECRET_ID"))
    parser.add_argument("--secret-key", default=os.environ.get("TENCENTCLOUD_SECRET_KEY"))
    parser.add_argument("--spec", default=os.environ.get("TCMPP_SPEC") or DEFAULT_SPEC, help="the spec whose examples are sent")
    parser.add_argument("--tcsas-spec", default=os.environ.get("TCSAS_SPEC") or DEFAULT_TCSAS_SPEC, help="TCSAS's spec, the same")
    args = parser.parse_args()
    if not (args.endpoint and args.secret_id and args.secret_key):
        parser.error("need --endpoint, --secret-id and --secret-key (or TCMPP_ENDPOINT and TENCENTCLOUD_SECRET_*)")
    endpoint = args.endpoint
    if endpoint.startswith("https://"):
        if not args.ca_file:
            parser.error("an https:// endpoint needs --ca-file (or TCMPP_CA_FILE)")
        TRANSPORT.update(protocol="https", certification=args.ca_file)
    for prefix in ("http://", "https://"):
        if endpoint.startswith(prefix):
            endpoint = endpoint[len(prefix):]
    endpoint = endpoint.rstrip("/")
    host = endpoint.rsplit(":", 1)[0]
    if host not in ("127.0.0.1", "localhost"):
        parser.error("endpoint %r is not a loopback address" % args.endpoint)

    try:
        spec = Spec(args.spec)
        tcsas_spec = Spec(args.tcsas_spec)
    except (OSError, ValueError, KeyError) as e:
        parser.error("cannot read the specs %s, %s: %s" % (args.spec, args.tcsas_spec, e))

    good = client(endpoint, args.secret_id, args.secret_key)

    def sdk_error(e):
        if isinstance(e, TencentCloudSDKException):
            return "%s: %s (RequestId %s)" % (e.get_code(), e.get_message(), e.get_request_id())
        return None

    check = Checks(describe=sdk_error)

    def describe_seed():
        resp = good.DescribeMNPAllStageVersions(describe_request())
        expect(resp.RequestId, "RequestId is empty")
        data = resp.Data or []
        expect(len(data) == 5, "Data has %d versions, wanted 5" % len(data))
        expect(isinstance(data[0], models.DescribeMPAllStageVersionsResp), "Data[0] is a %s" % type(data[0]).__name__)
        expect(data[0].MNPVersionId == 2596, "Data[0].MNPVersionId is %r, wanted 2596" % data[0].MNPVersionId)
        expect(all(v.MNPId == SEED_MNP_ID for v in data), "an entry has another MNPId")
        phases = [v.Phase for v in data]
        expect(phases == SEED_PHASES, "phases %r, wanted %r" % (phases, SEED_PHASES))
        return "5 versions, phases %s" % ",".join(phases)

    def create_version():
        req = models.CreateMNPVersionRequest()
        req.MNPId = SEED_MNP_ID
        req.PlatformId = SEED_PLATFORM_ID
        req.MNPVersion = NEW_VERSION
        req.FileUrl = "https://example.invalid/packages/interop-%s.zip" % NEW_VERSION
        req.MNPVersionIntro = NEW_INTRO
        resp = good.CreateMNPVersion(req)
        expect(resp.RequestId, "RequestId is empty")
        expect(resp.Data is not None, "no Data")
        expect(resp.Data.TaskId not in (None, "", 0), "TaskId is %r" % resp.Data.TaskId)
        return "TaskId %s" % resp.Data.TaskId

    def describe_after_create():
        resp = good.DescribeMNPAllStageVersions(describe_request())
        expect(resp.RequestId, "RequestId is empty")
        data = resp.Data or []
        expect(len(data) == 6, "Data has %d versions, wanted 6" % len(data))
        new = [v for v in data if v.MNPVersion == NEW_VERSION]
        expect(len(new) == 1, "%d entries with MNPVersion %s, wanted 1" % (len(new), NEW_VERSION))
        expect(new[0].Phase == "Develop", "new version's Phase is %r, wanted Develop" % new[0].Phase)
        expect(new[0].MNPVersionIntro == NEW_INTRO, "new version's intro is %r" % new[0].MNPVersionIntro)
        return "6 versions, %s in Develop" % NEW_VERSION

    def wrong_key():
        bad = client(endpoint, args.secret_id, args.secret_key + "x")
        return expect_error(lambda: bad.DescribeMNPAllStageVersions(describe_request()), "AuthFailure.SignatureFailure")

    def unknown_secret_id():
        bad = client(endpoint, "AKIDUNKNOWN" + "0" * 25, args.secret_key)
        return expect_error(lambda: bad.DescribeMNPAllStageVersions(describe_request()), "AuthFailure.SecretIdNotFound")

    def missing_parameter():
        # The SDK does not check required members: an unset one is simply left out of the JSON body.
        return expect_error(lambda: good.DescribeMNPAllStageVersions(describe_request(platform_id=None)), "MissingParameter")

    def wrong_type():
        # Nor does it check types: an int where a string belongs goes out as a JSON number.
        return expect_error(lambda: good.DescribeMNPAllStageVersions(describe_request(platform_id=12345)), "InvalidParameter")

    def invalid_version():
        req = models.CreateMNPVersionRequest()
        req.MNPId = SEED_MNP_ID
        req.PlatformId = SEED_PLATFORM_ID
        req.MNPVersion = "1.0"
        req.FileUrl = "https://example.invalid/packages/bad.zip"
        req.MNPVersionIntro = "bad version"
        return expect_error(lambda: good.CreateMNPVersion(req), "InvalidParameterValue.InvalidMNPVersion")

    def uri_too_long():
        # GET puts the parameters in the query string: a 70 KB URI, past what
        # the mock's HTTP layer reads, still answered with the envelope.
        c = client(endpoint, args.secret_id, args.secret_key, "GET")
        req = describe_request()
        req.MNPId = "a" * 70000
        return expect_error(lambda: c.DescribeMNPAllStageVersions(req), "RequestSizeLimitExceeded")

    def plain_http_to_https():
        http = HttpProfile(endpoint=endpoint, reqTimeout=10, protocol="http")
        c = tcmpp_client.TcmppClient(
            credential.Credential(args.secret_id, args.secret_key), REGION, ClientProfile(httpProfile=http)
        )
        return expect_error(lambda: c.DescribeMNPAllStageVersions(describe_request()), "UnsupportedProtocol")

    def other_form(method, sign_method, version):
        def run():
            c = client(endpoint, args.secret_id, args.secret_key, method, sign_method)
            intro = "%s %s %s" % (NEW_INTRO, method, sign_method)
            req = models.CreateMNPVersionRequest()
            req.MNPId = SEED_MNP_ID
            req.PlatformId = SEED_PLATFORM_ID
            req.MNPVersion = version
            req.FileUrl = "https://example.invalid/packages/interop-%s.zip?a=1&b=2" % version
            req.MNPVersionIntro = intro
            resp = c.CreateMNPVersion(req)
            expect(resp.Data is not None and resp.Data.TaskId not in (None, "", 0), "no TaskId")
            data = c.DescribeMNPAllStageVersions(describe_request()).Data or []
            new = [v for v in data if v.MNPVersion == version]
            expect(len(new) == 1, "%d entries with MNPVersion %s, wanted 1" % (len(new), version))
            expect(new[0].MNPVersionIntro == intro, "intro is %r, wanted %r" % (new[0].MNPVersionIntro, intro))
            bad = client(endpoint, args.secret_id, args.secret_key + "x", method, sign_method)
            refused = expect_error(lambda: bad.DescribeMNPAllStageVersions(describe_request()), "AuthFailure.SignatureFailure")
            return "created and listed %s; wrong key -> %s" % (version, refused)

        return run

    def imported(action, spec=spec, good=good, sdk_models=models):
        def run():
            body, answer = spec.example(action)
            req = sdk_request(action, body, sdk_models)
            sent = strip_none(json.loads(req.to_json_string()))
            diff = differences(body, sent)
            expect(not diff and sent == body, "the SDK request differs from the example: %s" % "; ".join(diff or [req.to_json_string()]))
            resp = call_sdk(good, action, req)
            expect(isinstance(resp, getattr(sdk_models, action + "Response")), "the answer is a %s" % type(resp).__name__)
            expect(isinstance(resp.RequestId, str) and resp.RequestId, "RequestId is %r" % resp.RequestId)
            expect(resp.RequestId != answer.get("RequestId"), "RequestId is the example's, not the mock's")
            want = {k: v for k, v in answer.items() if k != "RequestId"}
            got = json.loads(resp.to_json_string())
            diff = differences(want, got)
            expect(not diff, "the answer differs from the example: %s" % "; ".join(diff[:5]))
            fields = list(leaves(want))
            if not fields:
                # An action Tencent documents no answer member for but RequestId (CreateTeam).
                documented = [m["name"] for m in spec.action(action)["response"]["members"] if m["name"] != "RequestId"]
                expect(not documented, "the example answers none of %s" % ", ".join(documented))
                return "RequestId %s (the action answers nothing else)" % resp.RequestId
            # Shown and read back through attributes: the first value that is not an empty string.
            path, value = next((f for f in fields if f[1] != ""), fields[0])
            read = through_attributes(resp, path)
            expect(same_scalar(value, read), "resp.%s is %r, wanted %r" % (path_text(path), read, value))
            shown = repr(read) if len(repr(read)) <= 60 else repr(read)[:57] + "..."
            return "resp.%s == %s, %d value(s) as in the example" % (path_text(path), shown, len(fields))

        return run

    def missing_imported():
        body, _ = spec.example(MISSING_ACTION)
        expect(MISSING_MEMBER in spec.required(MISSING_ACTION), "the spec no longer makes %s.%s required" % (MISSING_ACTION, MISSING_MEMBER))
        body = {k: v for k, v in body.items() if k != MISSING_MEMBER}
        req = sdk_request(MISSING_ACTION, body)
        try:
            resp = call_sdk(good, MISSING_ACTION, req)
        except TencentCloudSDKException as e:
            # Tencent's common code for a missing required parameter, as the SDK's errorcodes name it.
            want = errorcodes.MISSINGPARAMETER
            expect(e.get_code() == want, "error code %r, wanted %s (message: %s)" % (e.get_code(), want, e.get_message()))
            expect(MISSING_MEMBER in (e.get_message() or ""), "the message does not name %s: %s" % (MISSING_MEMBER, e.get_message()))
            expect(e.get_request_id(), "error has no RequestId")
            return "%s: %s (RequestId %s)" % (e.get_code(), e.get_message(), e.get_request_id())
        raise CheckFailed("succeeded, wanted MissingParameter: %s" % resp.to_json_string())

    check("DescribeMNPAllStageVersions lists the seed versions", describe_seed)
    check("CreateMNPVersion %s returns a TaskId" % NEW_VERSION, create_version)
    check("DescribeMNPAllStageVersions lists the new version", describe_after_create)
    check("wrong SecretKey -> AuthFailure.SignatureFailure", wrong_key)
    check("unknown SecretId -> AuthFailure.SecretIdNotFound", unknown_secret_id)
    check("Describe without PlatformId -> MissingParameter", missing_parameter)
    check("PlatformId as a number -> InvalidParameter", wrong_type)
    check("CreateMNPVersion 1.0 -> InvalidParameterValue.InvalidMNPVersion", invalid_version)
    check("GET with a 70 KB URI -> RequestSizeLimitExceeded", uri_too_long)
    if TRANSPORT["protocol"] == "https":
        check("plain HTTP to the HTTPS mock -> UnsupportedProtocol", plain_http_to_https)
    for method, sign_method, version in OTHER_FORMS:
        check("%s with %s: Create, then Describe lists it" % (method, sign_method), other_form(method, sign_method, version))
    for action in IMPORTED_ACTIONS:
        check("%s with its spec example" % action, imported(action))
    check("%s without %s -> MissingParameter" % (MISSING_ACTION, MISSING_MEMBER), missing_imported)

    # TCSAS, on the same port.
    def tcsas(method="POST", sign_method="TC3-HMAC-SHA256", secret_key=args.secret_key):
        return client(endpoint, args.secret_id, secret_key, method, sign_method, tcsas_client.TcsasClient)

    tcsas_good = tcsas()
    tcsas_intro = "python sdk tcsas " + uuid.uuid4().hex[:8]

    def tcsas_describe(c=tcsas_good):
        resp = c.DescribeMNPAllStageVersions(describe_request(sdk_models=tcsas_models))
        expect(resp.RequestId, "RequestId is empty")
        data = resp.Data or []
        expect(all(isinstance(v, tcsas_models.DescribeMPAllStageVersionsResp) for v in data), "Data holds other models")
        expect(all(v.MNPId == SEED_MNP_ID for v in data), "an entry has another MNPId")
        return data

    def tcsas_seed():
        data = tcsas_describe()
        phases = [v.Phase for v in data]
        expect(phases == TCSAS_SEED_PHASES, "phases %r, wanted TCSAS's seed %r" % (phases, TCSAS_SEED_PHASES))
        return "%d versions, phases %s (TCSAS's own seed)" % (len(data), ",".join(phases))

    def tcsas_create():
        req = tcsas_models.CreateMNPVersionRequest()
        req.MNPId = SEED_MNP_ID
        req.PlatformId = SEED_PLATFORM_ID
        req.MNPVersion = TCSAS_NEW_VERSION
        req.FileUrl = "https://example.invalid/packages/tcsas-%s.zip" % TCSAS_NEW_VERSION
        req.MNPVersionIntro = tcsas_intro
        # The five members only TCSAS takes.
        req.VersionType = 1
        req.CompileCondition = "condition"
        req.CompileConfig = "config"
        req.PipelineId = "202606111556252306706926"
        req.FileInnerUrl = "https://example.invalid/inner/tcsas-%s.zip" % TCSAS_NEW_VERSION
        resp = tcsas_good.CreateMNPVersion(req)
        expect(resp.RequestId, "RequestId is empty")
        expect(resp.Data is not None and resp.Data.TaskId not in (None, ""), "no Data.TaskId")
        return "TaskId %s" % resp.Data.TaskId

    def tcsas_lists_new_tcmpp_does_not():
        data = tcsas_describe()
        expect(len(data) == len(TCSAS_SEED_PHASES) + 1, "Data has %d versions, wanted %d" % (len(data), len(TCSAS_SEED_PHASES) + 1))
        new = [v for v in data if v.MNPVersion == TCSAS_NEW_VERSION]
        expect(len(new) == 1 and new[0].MNPVersionIntro == tcsas_intro, "the new version is not listed as created")
        expect(new[0].Phase == "Develop", "new version's Phase is %r" % new[0].Phase)
        tcmpp_data = good.DescribeMNPAllStageVersions(describe_request()).Data or []
        expect(not [v for v in tcmpp_data if v.MNPVersion == TCSAS_NEW_VERSION], "TCMPP's store lists TCSAS's version")
        return "TCSAS %d versions with %s; TCMPP's %d without it" % (len(data), TCSAS_NEW_VERSION, len(tcmpp_data))

    def tcsas_form(method, sign_method):
        def run():
            data = tcsas_describe(tcsas(method, sign_method))
            expect(len(data) == len(TCSAS_SEED_PHASES) + 1, "Data has %d versions, wanted TCSAS's %d" % (len(data), len(TCSAS_SEED_PHASES) + 1))
            bad = tcsas(method, sign_method, args.secret_key + "x")
            refused = expect_error(
                lambda: bad.DescribeMNPAllStageVersions(describe_request(sdk_models=tcsas_models)), "AuthFailure.SignatureFailure"
            )
            return "%d versions; wrong key -> %s" % (len(data), refused)

        return run

    def tcsas_wrong_key():
        bad = tcsas(secret_key=args.secret_key + "x")
        return expect_error(lambda: bad.DescribeMNPAllStageVersions(describe_request(sdk_models=tcsas_models)), "AuthFailure.SignatureFailure")

    def tcsas_bad_version_type():
        req = tcsas_models.CreateMNPVersionRequest()
        req.MNPId = SEED_MNP_ID
        req.PlatformId = SEED_PLATFORM_ID
        req.MNPVersion = "2.0.301"
        req.FileUrl = "https://example.invalid/packages/bad.zip"
        req.MNPVersionIntro = "bad version type"
        req.VersionType = 3
        return expect_error(lambda: tcsas_good.CreateMNPVersion(req), "InvalidParameterValue")

    def tcsas_with_tcmpp_version():
        # The SDK's own client, told TCMPP's API version (a class attribute
        # of its client): signed for tcsas, so it reaches TCSAS, which has no such version.
        c = tcsas()
        c._apiVersion = tcmpp_client.TcmppClient._apiVersion
        return expect_error(lambda: c.DescribeMNPAllStageVersions(describe_request(sdk_models=tcsas_models)), "NoSuchVersion")

    check("TCSAS DescribeMNPAllStageVersions lists its own seed", tcsas_seed)
    check("TCSAS CreateMNPVersion %s with its five extra members returns a TaskId" % TCSAS_NEW_VERSION, tcsas_create)
    check("TCSAS DescribeMNPAllStageVersions lists it, TCMPP's does not", tcsas_lists_new_tcmpp_does_not)
    for method, sign_method in TCSAS_FORMS:
        check("TCSAS %s with %s: Describe, wrong key refused" % (method, sign_method), tcsas_form(method, sign_method))
    check("TCSAS wrong SecretKey -> AuthFailure.SignatureFailure", tcsas_wrong_key)
    check("TCSAS CreateMNPVersion VersionType 3 -> InvalidParameterValue", tcsas_bad_version_type)
    check("TcsasClient with TCMPP's version 2024-08-01 -> NoSuchVersion", tcsas_with_tcmpp_version)
    for action in TCSAS_IMPORTED_ACTIONS:
        check("TCSAS %s with its spec example" % action, imported(action, tcsas_spec, tcsas_good, tcsas_models))

    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
