#!/usr/bin/env node
// Interop check: the official Tencent Cloud Node SDK (tencentcloud-sdk-nodejs-intl-en)
// against the mock server of TCMPP and TCSAS (one port).
//
// Usage:
//   node node_interop.mjs [--endpoint URL] [--sdk DIR] [--spec PATH] [--tcsas-spec PATH]
//
// --endpoint: http://127.0.0.1:PORT or https://127.0.0.1:PORT (TCMPP_ENDPOINT);
//   for HTTPS, start node with NODE_EXTRA_CA_CERTS=the mock's CA file.
// --sdk: the directory npm installed the SDK into (TCMPP_NODE_SDK, default
//   target/node-interop); --spec: the spec whose examples are sent (TCMPP_SPEC,
//   default spec/tcmpp.json); --tcsas-spec: TCSAS's (TCSAS_SPEC, default
//   spec/tcsas.json). Credentials: TENCENTCLOUD_SECRET_ID/KEY.
//
// Calls the two seeded actions with the spec's example requests in each way the
// SDK sends: its default profile (v1 HmacSHA256 over a form-encoded POST), then
// TC3-HMAC-SHA256, HmacSHA1, and each of them over GET. For each: Describe
// lists the seed and what was created so far, Create returns a TaskId, Describe
// then lists the new version, and a wrong SecretKey is refused with
// AuthFailure.SignatureFailure. Then TCSAS on the same port, in the default
// profile (v1, routed by its Version), TC3 and GET HmacSHA1: every TCSAS action
// this SDK version ships (TCSAS_ACTIONS) with its spec example, the answer
// compared with the example's, and a wrong SecretKey refused. Every request is
// checked to have gone out in the form under test, and only to the loopback endpoint.
//
// Prints one line per check, then `N passed, M failed`; exits 1 if a check
// failed, 2 on a usage error. scripts/node-interop.sh starts the mock and runs it.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { randomBytes } from "node:crypto";

const HERE = dirname(fileURLToPath(import.meta.url));
const SDK_PACKAGE = "tencentcloud-sdk-nodejs-intl-en";
const REGION = "ap-singapore";

function usage(message) {
  console.error(`node_interop.mjs: ${message}`);
  console.error("usage: node node_interop.mjs [--endpoint http(s)://127.0.0.1:PORT] [--sdk DIR] [--spec PATH] [--tcsas-spec PATH]");
  process.exit(2);
}

function parseArgs(argv) {
  const opts = {
    endpoint: process.env.TCMPP_ENDPOINT,
    sdk: process.env.TCMPP_NODE_SDK || join(HERE, "..", "target", "node-interop"),
    spec: process.env.TCMPP_SPEC || join(HERE, "..", "spec", "tcmpp.json"),
    tcsasSpec: process.env.TCSAS_SPEC || join(HERE, "..", "spec", "tcsas.json"),
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const key = { "--endpoint": "endpoint", "--sdk": "sdk", "--spec": "spec", "--tcsas-spec": "tcsasSpec" }[flag];
    if (!key) usage(`unknown argument ${argv[i]}`);
    const value = inline !== undefined ? inline : argv[++i];
    if (value === undefined) usage(`${flag} needs a value`);
    opts[key] = value;
  }
  if (!opts.endpoint) usage("need --endpoint (or TCMPP_ENDPOINT)");
  const m = /^(https?):\/\/(127\.0\.0\.1|localhost):(\d+)\/?$/.exec(opts.endpoint);
  if (!m) usage(`endpoint ${JSON.stringify(opts.endpoint)} is not http(s)://127.0.0.1:PORT or localhost`);
  opts.protocol = `${m[1]}://`;
  opts.host = `${m[2]}:${m[3]}`;
  opts.secretId = process.env.TENCENTCLOUD_SECRET_ID;
  opts.secretKey = process.env.TENCENTCLOUD_SECRET_KEY;
  if (!opts.secretId || !opts.secretKey) usage("need TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY");
  return opts;
}

const opts = parseArgs(process.argv.slice(2));
const require = createRequire(join(resolve(opts.sdk), "package.json"));
const sdk = require(SDK_PACKAGE);
const sdkVersion = require(`${SDK_PACKAGE}/package.json`).version;
const TencentCloudSDKHttpException = require(`${SDK_PACKAGE}/tencentcloud/common/exception/tencent_cloud_sdk_exception`);
const { Client, Models } = sdk.tcmpp.v20240801;
const Tcsas = sdk.tcsas.v20250106;
const { Credential, ClientProfile, HttpProfile, HttpConnection } = sdk.common;

const spec = JSON.parse(readFileSync(opts.spec, "utf8"));
const tcsasSpec = JSON.parse(readFileSync(opts.tcsasSpec, "utf8"));
const SERVICE = spec.service.signing_service;
// The signing service of each API version the mock serves.
const SERVICE_OF_VERSION = Object.fromEntries([spec, tcsasSpec].map((s) => [s.service.version, s.service.signing_service]));
function example(action, from = spec) {
  const ex = from.actions[action]?.examples?.[0];
  if (!ex?.request || !ex?.response?.Response) throw new Error(`the spec has no example request and answer for ${action}`);
  return ex;
}
const DESCRIBE = example("DescribeMNPAllStageVersions");
const CREATE = example("CreateMNPVersion");
const SEED = DESCRIBE.response.Response.Data;
const RUN = randomBytes(4).toString("hex");

// Every request the SDK sends passes through HttpConnection: doRequest (v1
// signatures) or doRequestWithSign3 (TC3). Record the form of each, and refuse
// to send anywhere but the mock.
//
// The one change to what the SDK sends: for TC3 it takes the service name from
// the endpoint's first DNS label (`getEndpoint().split('.')[0]`), right for
// tcmpp.intl.tencentcloudapi.com, but "127" for 127.0.0.1:PORT; the service
// refuses a credential scope that does not name its product, and so does the
// mock (checked below). `fixTc3Service` replaces it with the signing service
// of the spec whose API version the request carries; nothing else is touched.
const sent = [];
let fixTc3Service = true;
function loopbackOnly(url) {
  const u = new URL(url);
  if (`${u.protocol}//` !== opts.protocol || u.host !== opts.host) {
    throw new Error(`refusing to send to ${u.origin}: only ${opts.protocol}${opts.host} is allowed`);
  }
}
const sdkDoRequest = HttpConnection.doRequest;
HttpConnection.doRequest = function (o) {
  loopbackOnly(o.url);
  sent.push({ method: o.method, sign: o.data.SignatureMethod, nonce: o.data.Nonce, hasSignature: !!o.data.Signature });
  return sdkDoRequest.call(this, o);
};
const sdkDoRequestWithSign3 = HttpConnection.doRequestWithSign3;
HttpConnection.doRequestWithSign3 = function (o) {
  loopbackOnly(o.url);
  sent.push({ method: o.method, sign: "TC3-HMAC-SHA256", sdkService: o.service });
  const service = SERVICE_OF_VERSION[o.version];
  return sdkDoRequestWithSign3.call(this, fixTc3Service && service ? { ...o, service } : o);
};

class CheckFailed extends Error {}
function expect(cond, what) {
  if (!cond) throw new CheckFailed(what);
}

// The ways the SDK sends: [label, reqMethod, signMethod (undefined: the profile's default), version created].
const FORMS = [
  ["POST HmacSHA256 (the SDK's default profile)", undefined, undefined, "1.0.400"],
  ["POST TC3-HMAC-SHA256", "POST", "TC3-HMAC-SHA256", "1.0.401"],
  ["POST HmacSHA1", "POST", "HmacSHA1", "1.0.402"],
  ["GET HmacSHA256", "GET", "HmacSHA256", "1.0.403"],
  ["GET TC3-HMAC-SHA256", "GET", "TC3-HMAC-SHA256", "1.0.404"],
  ["GET HmacSHA1", "GET", "HmacSHA1", "1.0.405"],
];

function client({ reqMethod, signMethod, secretId = opts.secretId, secretKey = opts.secretKey, Sdk = Client } = {}) {
  // As the SDK's own examples configure it: Credential, HttpProfile, ClientProfile.
  const http = new HttpProfile();
  http.endpoint = opts.host;
  http.protocol = opts.protocol;
  http.reqTimeout = 10;
  if (reqMethod) http.reqMethod = reqMethod;
  const profile = new ClientProfile();
  if (signMethod) profile.signMethod = signMethod;
  profile.httpProfile = http;
  return new Sdk(new Credential(secretId, secretKey), REGION, profile);
}

function request(model, body, models = Models) {
  const req = new models[model]();
  req.from_json_string(JSON.stringify(body));
  return req;
}

// client.<action>(req, cb) as a promise; also returns the form it went out in.
function call(c, action, req) {
  const before = sent.length;
  return new Promise((resolvePromise, reject) => {
    c[action](req, (err, resp) => {
      const form = sent.slice(before);
      if (err) {
        err.sentAs = form;
        reject(err);
      } else resolvePromise({ resp, form });
    });
  });
}

function expectForm(form, reqMethod, signMethod) {
  expect(form.length === 1, `the SDK sent ${form.length} requests, wanted 1`);
  const [f] = form;
  expect(f.method === reqMethod && f.sign === signMethod,
    `sent as ${f.method} ${f.sign}, wanted ${reqMethod} ${signMethod}`);
}

async function expectError(promise, code, reqMethod, signMethod) {
  let resp;
  try {
    ({ resp } = await promise);
  } catch (e) {
    expect(e instanceof TencentCloudSDKHttpException, `a ${e?.constructor?.name} (${e?.message}), wanted a TencentCloudSDKHttpException`);
    if (reqMethod) expectForm(e.sentAs, reqMethod, signMethod);
    expect(e.code === code, `error code ${JSON.stringify(e.code)}, wanted ${code} (message: ${e.message})`);
    expect(typeof e.requestId === "string" && e.requestId.length > 0, "the error has no RequestId");
    return `${e.code} (RequestId ${e.requestId})`;
  }
  throw new CheckFailed(`succeeded, wanted ${code}: ${resp.to_json_string()}`);
}

const results = [];
async function check(name, fn) {
  try {
    const detail = await fn();
    results.push(true);
    console.log(`ok   ${name}${detail ? `: ${detail}` : ""}`);
  } catch (e) {
    results.push(false);
    if (e instanceof CheckFailed) console.log(`FAIL ${name}: ${e.message}`);
    else if (e instanceof TencentCloudSDKHttpException) console.log(`FAIL ${name}: ${e.code}: ${e.message} (RequestId ${e.requestId})`);
    else console.log(`FAIL ${name}: unexpected ${e?.constructor?.name}: ${e?.stack || e}`);
  }
}

const created = []; // versions created so far: [MNPVersion, intro]

async function describeLists(c, reqMethod, signMethod) {
  const { resp, form } = await call(c, "DescribeMNPAllStageVersions", request("DescribeMNPAllStageVersionsRequest", DESCRIBE.request));
  expectForm(form, reqMethod, signMethod);
  expect(typeof resp.RequestId === "string" && resp.RequestId, "RequestId is empty");
  expect(resp.RequestId !== DESCRIBE.response.Response.RequestId, "RequestId is the example's, not the mock's");
  const data = resp.Data || [];
  expect(data.length === SEED.length + created.length, `Data has ${data.length} versions, wanted ${SEED.length} seeded + ${created.length} created`);
  SEED.forEach((want, i) => {
    for (const k of ["MNPVersionId", "MNPVersion", "Phase", "MNPId"]) {
      expect(data[i][k] === want[k], `Data[${i}].${k} is ${JSON.stringify(data[i][k])}, wanted ${JSON.stringify(want[k])}`);
    }
  });
  for (const [version, intro] of created) {
    const found = data.filter((v) => v.MNPVersion === version);
    expect(found.length === 1, `${found.length} entries with MNPVersion ${version}, wanted 1`);
    expect(found[0].MNPVersionIntro === intro, `${version}'s intro is ${JSON.stringify(found[0].MNPVersionIntro)}, wanted ${JSON.stringify(intro)}`);
    expect(found[0].Phase === "Develop", `${version}'s Phase is ${JSON.stringify(found[0].Phase)}, wanted Develop`);
    expect(found[0].MNPId === DESCRIBE.request.MNPId, `${version}'s MNPId is ${JSON.stringify(found[0].MNPId)}`);
  }
  return `${data.length} versions: the ${SEED.length} seeded${created.length ? ` and ${created.map(([v]) => v).join(", ")}` : ""}`;
}

// Where `got` lacks or differs from something in `want` (extra members in got are fine).
function differences(want, got, path = "") {
  if (want !== null && typeof want === "object") {
    if (Array.isArray(want) !== Array.isArray(got) || got === null || typeof got !== "object") {
      return [`${path || "(top)"}: ${JSON.stringify(got)}, wanted ${JSON.stringify(want)}`];
    }
    if (Array.isArray(want) && want.length !== got.length) return [`${path}: ${got.length} items, wanted ${want.length}`];
    return Object.keys(want).flatMap((k) => (k in got ? differences(want[k], got[k], path ? `${path}.${k}` : k) : [`${path ? `${path}.` : ""}${k}: missing`]));
  }
  return want === got ? [] : [`${path}: ${JSON.stringify(got)}, wanted ${JSON.stringify(want)}`];
}

// The TCSAS actions the pinned SDK ships (3.0.1335: these six; not the
// version actions, which only newer releases add).
const TCSAS_ACTIONS = [
  "DescribeMNPMAULineChart",
  "DescribeMNPMAUMetricCard",
  "DescribeMNPMAUDataDetail",
  "DescribeMNGMAULineChart",
  "DescribeMNGMAUMonthlyComparisonMetricCard",
  "DescribeMNGMAUDataDetail",
];
const TCSAS_FORMS = [
  ["TCSAS POST HmacSHA256 (the SDK's default profile)", undefined, undefined],
  ["TCSAS POST TC3-HMAC-SHA256", "POST", "TC3-HMAC-SHA256"],
  ["TCSAS GET HmacSHA1", "GET", "HmacSHA1"],
];

async function tcsasChecks() {
  for (const [label, reqMethod, signMethod] of TCSAS_FORMS) {
    const method = reqMethod || "POST";
    const sign = signMethod || "HmacSHA256";
    const good = client({ reqMethod, signMethod, Sdk: Tcsas.Client });
    for (const action of TCSAS_ACTIONS) {
      await check(`${label}: ${action} with its spec example`, async () => {
        expect(typeof good[action] === "function", `the SDK's TCSAS client has no ${action}`);
        const ex = example(action, tcsasSpec);
        const { resp, form } = await call(good, action, request(`${action}Request`, ex.request, Tcsas.Models));
        expectForm(form, method, sign);
        expect(typeof resp.RequestId === "string" && resp.RequestId, "RequestId is empty");
        expect(resp.RequestId !== ex.response.Response.RequestId, "RequestId is the example's, not the mock's");
        const { RequestId, ...want } = ex.response.Response;
        const diff = differences(want, JSON.parse(JSON.stringify(resp)));
        expect(diff.length === 0, `the answer differs from the example: ${diff.slice(0, 5).join("; ")}`);
        return `${Object.keys(want).join(", ")} as in the example (RequestId ${resp.RequestId})`;
      });
    }
    await check(`${label}: wrong SecretKey -> AuthFailure.SignatureFailure`, () => {
      const bad = client({ reqMethod, signMethod, Sdk: Tcsas.Client, secretKey: `${opts.secretKey}x` });
      const ex = example(TCSAS_ACTIONS[0], tcsasSpec);
      return expectError(call(bad, TCSAS_ACTIONS[0], request(`${TCSAS_ACTIONS[0]}Request`, ex.request, Tcsas.Models)),
        "AuthFailure.SignatureFailure", method, sign);
    });
  }
}

async function main() {
  await check(`${SDK_PACKAGE} ${sdkVersion}: the default profile signs with HmacSHA256 over POST`, async () => {
    const profile = new ClientProfile();
    expect(profile.signMethod === "HmacSHA256", `default signMethod is ${profile.signMethod}`);
    expect(profile.httpProfile.reqMethod === "POST", `default reqMethod is ${profile.httpProfile.reqMethod}`);
    return `endpoint ${opts.protocol}${opts.host}`;
  });

  for (const [label, reqMethod, signMethod, version] of FORMS) {
    const method = reqMethod || "POST";
    const sign = signMethod || "HmacSHA256";
    const good = client({ reqMethod, signMethod });
    // Text the encodings must carry intact: non-ASCII, and what forms and query strings escape.
    const intro = `node sdk interop ${RUN} ${method} ${sign}: 版本说明 ü &=+%~*'()`;

    await check(`${label}: DescribeMNPAllStageVersions`, () => describeLists(good, method, sign));
    await check(`${label}: CreateMNPVersion ${version} returns a TaskId`, async () => {
      // The spec's example request, with a version of its own and a FileUrl whose query needs encoding.
      const body = { ...CREATE.request, MNPVersion: version, MNPVersionIntro: intro,
        FileUrl: `${CREATE.request.FileUrl}?form=${encodeURIComponent(label)}&x=1` };
      const { resp, form } = await call(good, "CreateMNPVersion", request("CreateMNPVersionRequest", body));
      expectForm(form, method, sign);
      expect(typeof resp.RequestId === "string" && resp.RequestId, "RequestId is empty");
      const taskId = resp.Data?.TaskId;
      expect(taskId !== undefined && taskId !== null && taskId !== "", `TaskId is ${JSON.stringify(taskId)}`);
      created.push([version, intro]);
      return `TaskId ${taskId}`;
    });
    await check(`${label}: DescribeMNPAllStageVersions lists ${version}`, () => describeLists(good, method, sign));
    await check(`${label}: wrong SecretKey -> AuthFailure.SignatureFailure`, () => {
      const bad = client({ reqMethod, signMethod, secretKey: `${opts.secretKey}x` });
      return expectError(call(bad, "DescribeMNPAllStageVersions", request("DescribeMNPAllStageVersionsRequest", DESCRIBE.request)),
        "AuthFailure.SignatureFailure", method, sign);
    });
  }

  await check(`TC3 signed for the service the SDK derives from 127.0.0.1 -> AuthFailure.SignatureFailure`, async () => {
    fixTc3Service = false;
    try {
      const c = client({ signMethod: "TC3-HMAC-SHA256" });
      const before = sent.length;
      const refused = await expectError(call(c, "DescribeMNPAllStageVersions", request("DescribeMNPAllStageVersionsRequest", DESCRIBE.request)),
        "AuthFailure.SignatureFailure", "POST", "TC3-HMAC-SHA256");
      const derived = sent[before].sdkService;
      expect(derived !== SERVICE, `the SDK signed for ${JSON.stringify(derived)}: the workaround is no longer needed`);
      return `service ${JSON.stringify(derived)} in the credential scope: ${refused}`;
    } finally {
      fixTc3Service = true;
    }
  });
  await check("unknown SecretId -> AuthFailure.SecretIdNotFound", () => {
    const bad = client({ secretId: `AKIDUNKNOWN${"0".repeat(25)}` });
    return expectError(call(bad, "DescribeMNPAllStageVersions", request("DescribeMNPAllStageVersionsRequest", DESCRIBE.request)),
      "AuthFailure.SecretIdNotFound");
  });
  await check("DescribeMNPAllStageVersions without PlatformId -> MissingParameter", () => {
    const { PlatformId, ...body } = DESCRIBE.request;
    return expectError(call(client(), "DescribeMNPAllStageVersions", request("DescribeMNPAllStageVersionsRequest", body)),
      "MissingParameter");
  });
  await check("CreateMNPVersion 1.0 -> InvalidParameterValue.InvalidMNPVersion", () => {
    const body = { ...CREATE.request, MNPVersion: "1.0" };
    return expectError(call(client(), "CreateMNPVersion", request("CreateMNPVersionRequest", body)),
      "InvalidParameterValue.InvalidMNPVersion");
  });

  await tcsasChecks();

  const passed = results.filter(Boolean).length;
  const failed = results.length - passed;
  console.log(`${passed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

process.exitCode = await main();
