#!/usr/bin/env python3
"""Interop check: the official Python SDK's role credentials against the mock's STS.

Usage:
    python_sts.py [--endpoint [https://]HOST:PORT] [--ca-file PATH] [--secret-id ID] [--secret-key KEY]
                  [--token-file PATH] [--provider-id ID]

Each option falls back to an environment variable: TCMPP_ENDPOINT,
TCMPP_CA_FILE, TENCENTCLOUD_SECRET_ID, TENCENTCLOUD_SECRET_KEY,
TCMPP_WEB_IDENTITY_TOKEN_FILE (the token `tcmpp serve
--web-identity-token-file` accepts) and TCMPP_WEB_IDENTITY_PROVIDER
(default OIDC). The endpoint must be a loopback address.

The SDK's STSAssumeRoleCredential (AssumeRole, signed with the long-lived
key), OIDCRoleArnCredential and DefaultTkeOIDCRoleArnProvider (the TKE_*
variables; AssumeRoleWithWebIdentity sent unsigned, `Authorization: SKIP`)
obtain temporary keys from the mock's STS, and TCMPP and TCSAS are then
called with them (X-TC-Token). A token the mock does not accept is refused
with InvalidParameter.WebIdentityTokenError, without the token in the message.

The SDK's credential classes build their own HttpProfile() for STS: always
https, with certifi's trust store, and no setting reaches it. So this driver
replaces the HttpProfile name credential.py looks up with one whose
protocol (and, over HTTPS, CA file) is the mock's: the requests, their
signing and their parsing are the SDK's own.

Prints one line per check, then `N passed, M failed`; exits 1 if any check
failed, 2 on a usage error. scripts/python-interop.sh starts the mock and runs it.
"""

import argparse
import functools
import os
import sys

for _var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
    os.environ.pop(_var, None)
os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"

from tencentcloud.common import credential  # noqa: E402
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException  # noqa: E402
from tencentcloud.common.profile.client_profile import ClientProfile  # noqa: E402
from tencentcloud.common.profile.http_profile import HttpProfile  # noqa: E402
from tencentcloud.tcmpp.v20240801 import models, tcmpp_client  # noqa: E402
from tencentcloud.tcsas.v20250106 import models as tcsas_models, tcsas_client  # noqa: E402

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from checks import Checks, expect  # noqa: E402

REGION = "ap-singapore"
ROLE = "qcs::cam::uin/100015158414:roleName/interopRole"
SEED_MNP_ID = "mpg9yjc0qbpkelik"
SEED_PLATFORM_ID = "T04257DS9431720WTAG"
# Issued by the mock: its temporary SecretIds start so.
ISSUED_PREFIX = "AKIDSTS"


def describe(sdk_client, model_module):
    req = model_module.DescribeMNPAllStageVersionsRequest()
    req.MNPId = SEED_MNP_ID
    req.PlatformId = SEED_PLATFORM_ID
    resp = sdk_client.DescribeMNPAllStageVersions(req)
    expect(resp.Data, "DescribeMNPAllStageVersions answered no versions")
    return len(resp.Data)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--endpoint", default=os.environ.get("TCMPP_ENDPOINT"))
    parser.add_argument("--ca-file", default=os.environ.get("TCMPP_CA_FILE"))
    parser.add_argument("--secret-id", default=os.environ.get("TENCENTCLOUD_SECRET_ID"))
    parser.add_argument("--secret-key", default=os.environ.get("TENCENTCLOUD_SECRET_KEY"))
    parser.add_argument("--token-file", default=os.environ.get("TCMPP_WEB_IDENTITY_TOKEN_FILE"))
    parser.add_argument("--provider-id", default=os.environ.get("TCMPP_WEB_IDENTITY_PROVIDER", "OIDC"))
    args = parser.parse_args()
    if not (args.endpoint and args.secret_id and args.secret_key and args.token_file):
        parser.error("need --endpoint, --secret-id, --secret-key and --token-file (or their variables)")
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
    with open(args.token_file) as f:
        token = f.read().strip()

    # STS through the SDK's own credential classes, over the mock's transport.
    credential.HttpProfile = functools.partial(HttpProfile, **transport)

    def clients(cred):
        profile = ClientProfile(httpProfile=HttpProfile(endpoint=endpoint, reqTimeout=10, **transport))
        return (tcmpp_client.TcmppClient(cred, REGION, profile),
                tcsas_client.TcsasClient(cred, REGION, profile))

    def issued(cred):
        secret_id, secret_key, tok = cred.get_credential_info()
        expect(secret_id.startswith(ISSUED_PREFIX), "not a key the mock issued: %s" % secret_id)
        expect(secret_key and tok, "no secret key or token")
        expect(secret_id != args.secret_id, "the long-lived key came back")
        return secret_id

    def use(cred):
        secret_id = issued(cred)
        tcmpp, tcsas = clients(cred)
        return "%s: TCMPP %d versions, TCSAS %d" % (
            secret_id[:12] + "...", describe(tcmpp, models), describe(tcsas, tcsas_models))

    def assume_role():
        cred = credential.STSAssumeRoleCredential(
            args.secret_id, args.secret_key, ROLE, "python-interop", 900, endpoint=endpoint)
        return use(cred)

    def oidc():
        cred = credential.OIDCRoleArnCredential(
            REGION, args.provider_id, token, ROLE, "python-oidc", 900, endpoint=endpoint)
        return use(cred)

    def tke():
        saved = {k: os.environ.get(k) for k in ("TKE_REGION", "TKE_PROVIDER_ID", "TKE_WEB_IDENTITY_TOKEN_FILE", "TKE_ROLE_ARN")}
        os.environ.update(TKE_REGION=REGION, TKE_PROVIDER_ID=args.provider_id,
                          TKE_WEB_IDENTITY_TOKEN_FILE=os.path.abspath(args.token_file), TKE_ROLE_ARN=ROLE)
        try:
            cred = credential.DefaultTkeOIDCRoleArnProvider().get_credentials()
            cred.endpoint = endpoint
            return use(cred)
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v

    def refused_token():
        wrong = "eyJ.not-the-accepted-token-" + os.urandom(4).hex()
        cred = credential.OIDCRoleArnCredential(
            REGION, args.provider_id, wrong, ROLE, "python-oidc", 900, endpoint=endpoint)
        try:
            cred.get_credential_info()
        except TencentCloudSDKException as e:
            expect(e.get_code() == "InvalidParameter.WebIdentityTokenError", "code %s" % e.get_code())
            expect(wrong not in e.get_message(), "the token is in the message")
            return e.get_code()
        raise AssertionError("a token the mock does not accept was taken")

    def sdk_error(e):
        if isinstance(e, TencentCloudSDKException):
            return "%s: %s (RequestId %s)" % (e.get_code(), e.get_message(), e.get_request_id())
        return None

    check = Checks(describe=sdk_error)
    check("STSAssumeRoleCredential: AssumeRole, then TCMPP and TCSAS with its keys", assume_role)
    check("OIDCRoleArnCredential: AssumeRoleWithWebIdentity (unsigned), then TCMPP and TCSAS", oidc)
    check("DefaultTkeOIDCRoleArnProvider: the TKE_* variables, then TCMPP and TCSAS", tke)
    check("a web identity token the mock does not accept is refused, unquoted", refused_token)
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
