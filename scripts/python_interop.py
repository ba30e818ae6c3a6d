#!/usr/bin/env python3
"""Interop check: the official Tencent Cloud Python SDK against the mock TCMPP server.

Usage:
    python_interop.py [--endpoint HOST:PORT] [--secret-id ID] [--secret-key KEY]

Each option falls back to an environment variable: TCMPP_ENDPOINT,
TENCENTCLOUD_SECRET_ID, TENCENTCLOUD_SECRET_KEY. The endpoint must be a
loopback address: this script never talks to anything else.

Prints one line per check, then `N passed, M failed`; exits 1 if any check
failed, 2 on a usage error. scripts/python-interop.sh starts the mock and runs it.
"""

import argparse
import os
import sys
import traceback
import uuid

# Never route loopback traffic through a proxy from the environment: the SDK
# reads HTTP_PROXY itself, and requests reads it again.
for _var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
    os.environ.pop(_var, None)
os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"

from tencentcloud.common import credential  # noqa: E402
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException  # noqa: E402
from tencentcloud.common.profile.client_profile import ClientProfile  # noqa: E402
from tencentcloud.common.profile.http_profile import HttpProfile  # noqa: E402
from tencentcloud.tcmpp.v20240801 import models, tcmpp_client  # noqa: E402

REGION = "ap-singapore"
SEED_MNP_ID = "mpg9yjc0qbpkelik"
SEED_PLATFORM_ID = "T04257DS9431720WTAG"
SEED_PHASES = ["Platform", "Online", "Develop", "Develop", "Develop"]
NEW_VERSION = "1.0.300"
NEW_INTRO = "python sdk interop " + uuid.uuid4().hex[:8]


class CheckFailed(Exception):
    pass


def expect(cond, what):
    if not cond:
        raise CheckFailed(what)


def client(endpoint, secret_id, secret_key):
    # protocol="http" is what selects plain HTTP in this SDK (HttpProfile
    # sets scheme = protocol; the default is https). reqMethod POST sends a
    # JSON body; TC3-HMAC-SHA256 is the default signMethod, named here anyway.
    http = HttpProfile(protocol="http", endpoint=endpoint, reqMethod="POST", reqTimeout=10)
    profile = ClientProfile(signMethod="TC3-HMAC-SHA256", httpProfile=http)
    return tcmpp_client.TcmppClient(credential.Credential(secret_id, secret_key), REGION, profile)


def describe_request(platform_id=SEED_PLATFORM_ID):
    req = models.DescribeMNPAllStageVersionsRequest()
    req.MNPId = SEED_MNP_ID
    if platform_id is not None:
        req.PlatformId = platform_id
    return req


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
    parser.add_argument("--endpoint", default=os.environ.get("TCMPP_ENDPOINT"), help="HOST:PORT of the mock")
    parser.add_argument("--secret-id", default=os.environ.get("TENCENTCLOUD_SECRET_ID"))
    parser.add_argument("--secret-key", default=os.environ.get("TENCENTCLOUD_SECRET_KEY"))
    args = parser.parse_args()
    if not (args.endpoint and args.secret_id and args.secret_key):
        parser.error("need --endpoint, --secret-id and --secret-key (or TCMPP_ENDPOINT and TENCENTCLOUD_SECRET_*)")
    endpoint = args.endpoint
    for prefix in ("http://", "https://"):
        if endpoint.startswith(prefix):
            endpoint = endpoint[len(prefix):]
    endpoint = endpoint.rstrip("/")
    host = endpoint.rsplit(":", 1)[0]
    if host not in ("127.0.0.1", "localhost"):
        parser.error("endpoint %r is not a loopback address" % args.endpoint)

    good = client(endpoint, args.secret_id, args.secret_key)
    results = []

    def check(name, fn):
        try:
            detail = fn()
        except CheckFailed as e:
            results.append(False)
            print("FAIL %s: %s" % (name, e), flush=True)
        except TencentCloudSDKException as e:
            results.append(False)
            print("FAIL %s: %s: %s (RequestId %s)" % (name, e.get_code(), e.get_message(), e.get_request_id()), flush=True)
        except Exception as e:  # an unexpected SDK error or a bug here: report it and go on
            results.append(False)
            print("FAIL %s: unexpected %s: %s" % (name, type(e).__name__, e), flush=True)
            traceback.print_exc(file=sys.stdout)
        else:
            results.append(True)
            print("ok   %s%s" % (name, ": " + detail if detail else ""), flush=True)

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

    check("DescribeMNPAllStageVersions lists the seed versions", describe_seed)
    check("CreateMNPVersion %s returns a TaskId" % NEW_VERSION, create_version)
    check("DescribeMNPAllStageVersions lists the new version", describe_after_create)
    check("wrong SecretKey -> AuthFailure.SignatureFailure", wrong_key)
    check("unknown SecretId -> AuthFailure.SecretIdNotFound", unknown_secret_id)
    check("Describe without PlatformId -> MissingParameter", missing_parameter)
    check("PlatformId as a number -> InvalidParameter", wrong_type)
    check("CreateMNPVersion 1.0 -> InvalidParameterValue.InvalidMNPVersion", invalid_version)

    passed = sum(results)
    failed = len(results) - passed
    print("%d passed, %d failed" % (passed, failed), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
