// Microsoft's JavaScript Graph client and Azure's identity library against `osimages serve`.
//
// Run by `cargo xtask interop` (`node --test`), which starts the emulators and sets:
// - OSIMAGES_TLS_ORIGIN: an `--tls --authority` emulator (https, which the Graph client needs to send its token;
//   NODE_EXTRA_CA_CERTS names its certificate); its Graph accepts only the tokens its authority issued;
// - OSIMAGES_MI_BASE_URL: a plain-http `--authority` emulator, for the managed-identity protocols.
// Every emulator runs with `--page-size 4` over the sample catalog (seven releases, six of them Windows 11).
import "isomorphic-fetch";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";

import {
  ClientCertificateCredential, ClientSecretCredential, DeviceCodeCredential, ManagedIdentityCredential,
} from "@azure/identity";
import { BatchRequestContent, BatchResponseContent, Client, PageIterator } from "@microsoft/microsoft-graph-client";
import { TokenCredentialAuthenticationProvider } from
  "@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js";

const origin = process.env.OSIMAGES_TLS_ORIGIN;
const miBaseUrl = process.env.OSIMAGES_MI_BASE_URL;
const scope = "https://graph.microsoft.com/.default";
const signIn = { authorityHost: origin, disableInstanceDiscovery: true };
const images = "/deviceManagement/managedDeviceWindowsOSImages";
const sampleIds = ["Windows 10 22H2", "Windows 11 22H2", "Windows 11 23H2", "Windows 11 24H2", "Windows 11 25H2",
  "Windows 11 26H1", "Windows 11 26H2"];

const credential = new ClientSecretCredential("contoso", "app", "anything", signIn);
const client = Client.initWithMiddleware({
  authProvider: new TokenCredentialAuthenticationProvider(credential, { scopes: [scope] }),
  baseUrl: `${origin}/`,
  defaultVersion: "beta",
  // The client attaches the token only to Graph's own hosts and to these (host names, without the port).
  customHosts: new Set([new URL(origin).hostname]),
});

test("query options: filter, top, count, and an https next link", async () => {
  const page = await client.api(images).filter("startswith(id,'Windows 11')").top(2).count(true).get();
  assert.deepEqual(page.value.map((i) => i.id), ["Windows 11 22H2", "Windows 11 23H2"]);
  assert.equal(page["@odata.count"], 6);
  assert.ok(page["@odata.nextLink"].startsWith(`${origin}/beta/`), page["@odata.nextLink"]);
});

test("PageIterator follows every next link", async () => {
  const seen = [];
  const iterator = new PageIterator(client, await client.api(images).get(), (image) => {
    seen.push(image.id);
    return true;
  });
  await iterator.iterate();
  assert.deepEqual(seen, sampleIds);
});

test("select returns only what was asked", async () => {
  const one = await client.api(`${images}/Windows%2011%2024H2`).select("id,supportedArchitectures").get();
  assert.equal(one.id, "Windows 11 24H2");
  assert.ok(one.supportedArchitectures.includes("x64"));
  assert.equal(one.supportedEditions, undefined);
});

test("a missing image is a GraphError with Graph's code", async () => {
  await assert.rejects(client.api(`${images}/Windows%2095`).get(), (error) => {
    assert.equal(error.statusCode, 404);
    assert.equal(error.code, "NotFound");
    return true;
  });
});

test("batch with dependsOn", async () => {
  // The client's batch steps name URLs without the version, as Graph expects (docs/emulator.md).
  const batch = new BatchRequestContent([
    { id: "1", request: new Request(`${origin}${images}/$count`, { method: "GET" }) },
    {
      id: "2",
      request: new Request(`${origin}${images}/Windows%2011%2024H2`, {
        method: "PATCH", body: JSON.stringify({}), headers: { "Content-Type": "application/json" },
      }),
      dependsOn: ["1"],
    },
  ]);
  const answer = new BatchResponseContent(await client.api("/$batch").post(await batch.getContent()));
  const statuses = Object.fromEntries([...answer.getResponses()].map(([id, response]) => [id, response.status]));
  assert.deepEqual(statuses, { 1: 200, 2: 200 });
  // A batch carries a body that is not JSON (here `$count`'s text/plain) as base64, as Graph does.
  const count = Buffer.from(await answer.getResponseById("1").text(), "base64").toString();
  assert.equal(count, String(sampleIds.length));
});

test("client secret, certificate and device code sign in; the device code renews silently", async () => {
  assert.ok((await credential.getToken(scope)).token);
  const directory = mkdtempSync(join(tmpdir(), "osimages-interop-"));
  try {
    const pem = join(directory, "app.pem");
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=interop",
      "-keyout", pem, "-out", join(directory, "cert.pem")], { stdio: "ignore" });
    execFileSync("sh", ["-c", `cat "${join(directory, "cert.pem")}" >> "${pem}"`]);
    const certificate = new ClientCertificateCredential("contoso", "app", { certificatePath: pem }, signIn);
    assert.ok((await certificate.getToken(scope)).token);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
  const prompts = [];
  const user = new DeviceCodeCredential({
    tenantId: "contoso", clientId: "app", ...signIn, userPromptCallback: (info) => prompts.push(info.userCode),
  });
  assert.ok((await user.getToken(scope)).token);
  assert.ok((await user.getToken(scope)).token);
  assert.equal(prompts.length, 1);
});

async function countWith(token) {
  const response = await fetch(`${miBaseUrl}${images}/$count`, { headers: { Authorization: `Bearer ${token}` } });
  return [response.status, await response.text()];
}

test("managed identity: App Service's protocol and the instance metadata service's", async () => {
  const miOrigin = new URL(miBaseUrl).origin;
  const saved = { ...process.env };
  try {
    Object.assign(process.env, { IDENTITY_ENDPOINT: `${miOrigin}/msi/token`, IDENTITY_HEADER: "anything" });
    const appService = await new ManagedIdentityCredential().getToken(scope);
    assert.ok(appService.expiresOnTimestamp > Date.now());
    assert.deepEqual(await countWith(appService.token), [200, String(sampleIds.length)]);
    delete process.env.IDENTITY_ENDPOINT;
    delete process.env.IDENTITY_HEADER;
    process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST = miOrigin;
    const imds = await new ManagedIdentityCredential().getToken(scope);
    assert.deepEqual(await countWith(imds.token), [200, String(sampleIds.length)]);
    assert.equal((await countWith("not-issued-here"))[0], 401);
  } finally {
    process.env = saved;
  }
});
