#!/usr/bin/env python3
"""Interop check: Tencent Cloud's command line, tccli (tccli-intl-en), against the mock TCMPP server over HTTPS.

Usage:
    tccli_interop.py --endpoint https://127.0.0.1:PORT --ca-file PATH --home DIR [--tccli PATH] [--spec PATH]

Each option falls back to an environment variable: TCMPP_ENDPOINT,
TCMPP_CA_FILE, TCCLI_INTEROP_HOME, TCCLI (default: tccli beside this
interpreter), TCMPP_SPEC (default: the repository's spec/tcmpp.json).
Credentials: TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY.

tccli always speaks HTTPS. It has no option for a certificate authority, and
the Python SDK under it hands requests certifi's bundle explicitly, so
REQUESTS_CA_BUNDLE is ignored (a check below shows it). To trust the mock's
CA, tccli is run through a three-line launcher that points certifi.where() at
the CA file, then calls tccli's own main(); nothing else changes. tccli
reads and writes $HOME/.tccli: every run gets HOME=DIR (--home), never the
user's. The endpoint must be a loopback address.

Calls both seeded actions with the spec's example requests (credentials from
the environment, --endpoint and --region on the command line, as in CI),
checks the created version is listed, that a wrong SecretKey or an unknown
SecretId is refused with the service's code, exit status and RequestId, and
once more with what `tccli configure set` writes (no environment, no flags).

Prints one line per check, then `N passed, M failed`; exits 1 if any check
failed, 2 on a usage error. scripts/tccli-interop.sh starts the mock and runs it.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import uuid

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from checks import CheckFailed, Checks, expect  # noqa: E402

TCCLI_VERSION = "3.1.193.1"
REGION = "ap-singapore"
NEW_VERSION = "1.0.500"
CONFIGURED_VERSION = "1.0.501"
DEFAULT_SPEC = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "spec", "tcmpp.json")
# tccli's main() with certifi.where() answering the mock's CA file (the first argument).
LAUNCHER = """import sys, certifi
ca = sys.argv.pop(1)
certifi.where = lambda: ca
from tccli.main import main
sys.argv[0] = "tccli"
sys.exit(main())
"""
PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")
# What tccli prints on stderr for an SDK error.
SDK_ERROR = re.compile(r"\[TencentCloudSDKException\] code:(\S+) message:(.*?) requestId:(\S+)", re.S)


class Tccli:
    def __init__(self, args):
        self.tccli = args.tccli
        self.python = os.path.join(os.path.dirname(self.tccli), "python")
        self.endpoint = args.host
        self.ca_file = args.ca_file
        self.home = args.home
        self.secret_id = args.secret_id
        self.secret_key = args.secret_key

    def env(self, credentials=True, secret_id=None, secret_key=None, extra=None):
        env = {k: v for k, v in os.environ.items() if k not in PROXY_VARS and not k.startswith(("TENCENTCLOUD_", "TCCLI_"))}
        env.update(HOME=self.home, NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost")
        if credentials:
            env["TENCENTCLOUD_SECRET_ID"] = secret_id or self.secret_id
            env["TENCENTCLOUD_SECRET_KEY"] = secret_key or self.secret_key
        env.update(extra or {})
        return env

    def run(self, args, trust=True, flags=True, **env):
        """tccli ARGS; with trust, through the launcher that trusts the CA; with flags, --endpoint and --region."""
        if flags:
            args = list(args) + ["--endpoint", self.endpoint, "--region", REGION]
        cmd = [self.python, "-c", LAUNCHER, self.ca_file] if trust else [self.tccli]
        return subprocess.run(cmd + list(args), env=self.env(**env), capture_output=True, text=True, timeout=60)

    def action(self, action, body, **kw):
        args = ["tcmpp", action]
        for k, v in body.items():
            expect(isinstance(v, str), "%s.%s is not a string: extend the driver" % (action, k))
            args += ["--" + k, v]
        return self.run(args, **kw)


def success(proc, what):
    expect(proc.returncode == 0, "%s: exit %d: %s" % (what, proc.returncode, proc.stderr.strip()[-500:]))
    try:
        out = json.loads(proc.stdout)
    except ValueError:
        raise CheckFailed("%s: stdout is not JSON: %r" % (what, proc.stdout[:300]))
    expect(isinstance(out.get("RequestId"), str) and out["RequestId"], "%s: no RequestId in %r" % (what, proc.stdout[:300]))
    return out


def refused(proc, code):
    expect(proc.returncode != 0, "exit 0, wanted %s: %s" % (code, proc.stdout[:300]))
    m = SDK_ERROR.search(proc.stderr)
    expect(m, "exit %d without an SDK error on stderr: %r" % (proc.returncode, proc.stderr[-500:]))
    got, message, request_id = m.groups()
    expect(got == code, "error code %r, wanted %r (message: %s)" % (got, code, message))
    expect(request_id not in ("None", ""), "the error has no requestId")
    expect(not proc.stdout.strip(), "stdout is not empty: %r" % proc.stdout[:300])
    return "exit %d, %s (requestId %s)" % (proc.returncode, got, request_id)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    here = os.path.dirname(os.path.abspath(sys.executable))
    parser.add_argument("--endpoint", default=os.environ.get("TCMPP_ENDPOINT"), help="https://127.0.0.1:PORT")
    parser.add_argument("--ca-file", default=os.environ.get("TCMPP_CA_FILE"), help="the mock's root certificate (PEM)")
    parser.add_argument("--home", default=os.environ.get("TCCLI_INTEROP_HOME"), help="HOME for tccli (emptied first)")
    parser.add_argument("--tccli", default=os.environ.get("TCCLI") or os.path.join(here, "tccli"))
    parser.add_argument("--spec", default=os.environ.get("TCMPP_SPEC") or DEFAULT_SPEC)
    args = parser.parse_args()
    args.secret_id = os.environ.get("TENCENTCLOUD_SECRET_ID")
    args.secret_key = os.environ.get("TENCENTCLOUD_SECRET_KEY")
    if not (args.endpoint and args.ca_file and args.home and args.secret_id and args.secret_key):
        parser.error("need --endpoint, --ca-file, --home and TENCENTCLOUD_SECRET_ID/KEY")
    m = re.fullmatch(r"https://((?:127\.0\.0\.1|localhost):\d+)/?", args.endpoint)
    if not m:
        parser.error("endpoint %r is not https://127.0.0.1:PORT or https://localhost:PORT" % args.endpoint)
    args.host = m.group(1)
    if not os.access(args.tccli, os.X_OK):
        parser.error("no tccli at %s" % args.tccli)
    try:
        with open(args.spec, encoding="utf-8") as f:
            actions = json.load(f)["actions"]
        describe = actions["DescribeMNPAllStageVersions"]["examples"][0]
        create = actions["CreateMNPVersion"]["examples"][0]
    except (OSError, ValueError, KeyError, IndexError) as e:
        parser.error("cannot read the examples of the spec %s: %s" % (args.spec, e))
    seed = describe["response"]["Response"]["Data"]

    # A HOME of tccli's own, emptied: it writes .tccli/default.configure and a log there.
    shutil.rmtree(args.home, ignore_errors=True)
    os.makedirs(args.home)
    tccli = Tccli(args)
    created = []  # (MNPVersion, intro)
    check = Checks()

    def lists(out):
        data = out.get("Data") or []
        expect(out["RequestId"] != describe["response"]["Response"]["RequestId"], "RequestId is the example's, not the mock's")
        expect(len(data) == len(seed) + len(created),
               "Data has %d versions, wanted %d seeded + %d created" % (len(data), len(seed), len(created)))
        for i, want in enumerate(seed):
            for k in ("MNPVersionId", "MNPVersion", "Phase", "MNPId"):
                expect(data[i].get(k) == want[k], "Data[%d].%s is %r, wanted %r" % (i, k, data[i].get(k), want[k]))
        for version, intro in created:
            new = [v for v in data if v.get("MNPVersion") == version]
            expect(len(new) == 1, "%d entries with MNPVersion %s, wanted 1" % (len(new), version))
            expect(new[0].get("MNPVersionIntro") == intro, "%s's intro is %r, wanted %r" % (version, new[0].get("MNPVersionIntro"), intro))
            expect(new[0].get("Phase") == "Develop", "%s's Phase is %r" % (version, new[0].get("Phase")))
        return "%d versions: the %d seeded%s" % (len(data), len(seed), "".join(" and " + v for v, _ in created))

    def version():
        proc = subprocess.run([args.tccli, "--version"], env=tccli.env(credentials=False), capture_output=True, text=True, timeout=60)
        expect(proc.returncode == 0 and proc.stdout.strip() == TCCLI_VERSION,
               "tccli --version: exit %d, %r, wanted %s" % (proc.returncode, proc.stdout.strip(), TCCLI_VERSION))
        return TCCLI_VERSION

    def untrusted(extra):
        def run():
            proc = tccli.action("DescribeMNPAllStageVersions", describe["request"], trust=False, extra=extra)
            expect(proc.returncode != 0, "exit 0: the mock's certificate was trusted without its CA")
            expect("CERTIFICATE_VERIFY_FAILED" in proc.stderr, "no certificate error: %r" % proc.stderr[-400:])
            return "exit %d, CERTIFICATE_VERIFY_FAILED" % proc.returncode

        return run

    def describe_seed():
        return lists(success(tccli.action("DescribeMNPAllStageVersions", describe["request"]), "DescribeMNPAllStageVersions"))

    def create_version(version, intro, **kw):
        def run():
            body = dict(create["request"], MNPVersion=version, MNPVersionIntro=intro,
                        FileUrl=create["request"]["FileUrl"] + "?tool=tccli&v=" + version)
            out = success(tccli.action("CreateMNPVersion", body, **kw), "CreateMNPVersion")
            task = (out.get("Data") or {}).get("TaskId")
            expect(task not in (None, "", 0), "TaskId is %r" % task)
            created.append((version, intro))
            return "TaskId %s" % task

        return run

    def describe_lists(**kw):
        return lambda: lists(success(tccli.action("DescribeMNPAllStageVersions", describe["request"], **kw), "DescribeMNPAllStageVersions"))

    def wrong_key():
        return refused(tccli.action("DescribeMNPAllStageVersions", describe["request"], secret_key=args.secret_key + "x"),
                       "AuthFailure.SignatureFailure")

    def unknown_id():
        return refused(tccli.action("DescribeMNPAllStageVersions", describe["request"], secret_id="AKIDUNKNOWN" + "0" * 25),
                       "AuthFailure.SecretIdNotFound")

    def invalid_platform():
        return refused(tccli.action("DescribeMNPAllStageVersions", dict(describe["request"], PlatformId="T0000NOSUCHPLATFORM")),
                       "InvalidParameterValue.InvalidPlatformId")

    def configure(secret_key):
        def run():
            # What a user does once: tccli configure set, into this HOME; the secret goes on
            # tccli's command line, never into this script's output.
            proc = tccli.run(["configure", "set", "secretId", args.secret_id, "secretKey", secret_key,
                              "region", REGION, "tcmpp.endpoint", tccli.endpoint], trust=False, flags=False, credentials=False)
            expect(proc.returncode == 0, "tccli configure set: exit %d: %s" % (proc.returncode, proc.stderr.strip()[-300:]))
            for name in ("default.configure", "default.credential"):
                expect(os.path.isfile(os.path.join(args.home, ".tccli", name)), "no %s in the temporary HOME" % name)

        return run

    def configured_lists():
        configure(args.secret_key)()
        return describe_lists(flags=False, credentials=False)()

    def configured_wrong_key():
        configure(args.secret_key + "x")()
        try:
            return refused(tccli.action("DescribeMNPAllStageVersions", describe["request"], flags=False, credentials=False),
                           "AuthFailure.SignatureFailure")
        finally:
            configure(args.secret_key)()

    run_id = uuid.uuid4().hex[:8]
    check("tccli --version is %s" % TCCLI_VERSION, version)
    check("without the mock's CA: the certificate is refused", untrusted({}))
    check("REQUESTS_CA_BUNDLE alone does not make tccli trust the CA", untrusted({"REQUESTS_CA_BUNDLE": args.ca_file}))
    check("DescribeMNPAllStageVersions lists the seed versions", describe_seed)
    check("CreateMNPVersion %s returns a TaskId" % NEW_VERSION, create_version(NEW_VERSION, "tccli interop %s: 版本说明 ü &=+%%" % run_id))
    check("DescribeMNPAllStageVersions lists %s" % NEW_VERSION, describe_lists())
    check("wrong SecretKey -> AuthFailure.SignatureFailure", wrong_key)
    check("unknown SecretId -> AuthFailure.SecretIdNotFound", unknown_id)
    check("unknown PlatformId -> InvalidParameterValue.InvalidPlatformId", invalid_platform)
    check("tccli configure set (no environment, no flags): Describe", configured_lists)
    check("tccli configure set: CreateMNPVersion %s" % CONFIGURED_VERSION,
          create_version(CONFIGURED_VERSION, "tccli configured " + run_id, flags=False, credentials=False))
    check("tccli configure set: Describe lists %s" % CONFIGURED_VERSION, describe_lists(flags=False, credentials=False))
    check("tccli configure set with a wrong secretKey -> AuthFailure.SignatureFailure", configured_wrong_key)

    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
