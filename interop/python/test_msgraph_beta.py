"""Microsoft's Python Graph SDK (msgraph-beta-sdk, Kiota) and Azure's identity libraries against `osimages serve`.

Run by `cargo xtask interop`, which starts three emulators (each with `--page-size 4`) and sets:
- OSIMAGES_BASE_URL: a plain-http emulator that accepts any token, for the SDK's requests;
- OSIMAGES_TLS_AUTHORITY: `host:port` of an `--tls --authority` emulator, for MSAL's sign-ins (MSAL insists on
  https), with REQUESTS_CA_BUNDLE and SSL_CERT_FILE naming its certificate;
- OSIMAGES_MI_BASE_URL: a plain-http `--authority` emulator, for the managed-identity protocols (plain http, as
  App Service's and the instance metadata service's are), whose Graph accepts only the tokens it issued.
Each check asserts what real Graph and Entra do; the script exits 1 when any check fails.
"""

import asyncio
import datetime
import os
import sys
import tempfile
import traceback
from urllib.parse import urlsplit

from azure.identity import (CertificateCredential, ClientSecretCredential, DeviceCodeCredential,
                            ManagedIdentityCredential)
from azure.identity.aio import ClientSecretCredential as AsyncClientSecretCredential
from kiota_abstractions.api_error import APIError
from kiota_abstractions.authentication import (AccessTokenProvider, AllowedHostsValidator,
                                               AnonymousAuthenticationProvider,
                                               BaseBearerTokenAuthenticationProvider)
from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph_beta import GraphServiceClient
from msgraph_beta.generated.device_management.managed_device_windows_o_s_images.managed_device_windows_o_s_images_request_builder import (  # noqa: E501
    ManagedDeviceWindowsOSImagesRequestBuilder as ImagesBuilder)
from msgraph_beta.generated.models.managed_device_architecture import ManagedDeviceArchitecture
from msgraph_beta.generated.models.managed_device_windows_operating_system_image import (
    ManagedDeviceWindowsOperatingSystemImage as Image)
from msgraph_beta.graph_request_adapter import GraphRequestAdapter
from msgraph_core import PageIterator

BASE_URL = os.environ["OSIMAGES_BASE_URL"]
AUTHORITY = os.environ["OSIMAGES_TLS_AUTHORITY"]
MI_BASE_URL = os.environ["OSIMAGES_MI_BASE_URL"]
SCOPE = "https://graph.microsoft.com/.default"
# The sample catalog: seven releases, one of them Windows 10.
SAMPLE_IDS = ["Windows 10 22H2", "Windows 11 22H2", "Windows 11 23H2", "Windows 11 24H2", "Windows 11 25H2",
              "Windows 11 26H1", "Windows 11 26H2"]

CHECKS = []


def check(function):
    CHECKS.append(function)
    return function


def client(base_url=BASE_URL):
    adapter = GraphRequestAdapter(AnonymousAuthenticationProvider())
    adapter.base_url = base_url
    return GraphServiceClient(request_adapter=adapter)


def images(base_url=BASE_URL):
    return client(base_url).device_management.managed_device_windows_o_s_images


@check
async def pages_follow_next_links():
    first = await images().get()
    assert [i.id for i in first.value] == SAMPLE_IDS[:4], first.value
    assert first.odata_next_link and first.odata_next_link.startswith(BASE_URL), first.odata_next_link
    second = await images().with_url(first.odata_next_link).get()
    assert [i.id for i in second.value] == SAMPLE_IDS[4:], second.value
    assert second.odata_next_link is None


@check
async def msgraph_core_page_iterator_walks_every_page():
    graph = client()
    seen = []
    iterator = PageIterator(await graph.device_management.managed_device_windows_o_s_images.get(),
                            graph.request_adapter)
    await iterator.iterate(lambda image: seen.append(image.id) or True)
    assert seen == SAMPLE_IDS, seen


@check
async def get_decodes_every_property():
    image = await images().by_managed_device_windows_operating_system_image_id("Windows 11 24H2").get()
    assert image.id == "Windows 11 24H2"
    assert ManagedDeviceArchitecture.X64 in image.supported_architectures, image.supported_architectures
    assert len(image.available_updates) == 3, image.available_updates
    assert all(u.build_version.startswith("10.0.26100.") for u in image.available_updates)
    assert all(isinstance(e.support_end_date, datetime.date) for e in image.supported_editions)


@check
async def count_is_plain_text():
    assert await images().count.get() == len(SAMPLE_IDS)


@check
async def query_options_filter_select_order_top_count():
    query = ImagesBuilder.ManagedDeviceWindowsOSImagesRequestBuilderGetQueryParameters(
        filter="startswith(id,'Windows 11')", top=2, select=["id", "supportedEditions"], orderby=["id desc"],
        count=True)
    page = await images().get(request_configuration=RequestConfiguration(query_parameters=query))
    assert [i.id for i in page.value] == ["Windows 11 26H2", "Windows 11 26H1"], page.value
    assert page.odata_count == 6
    assert page.value[0].supported_editions, "selected property missing"
    assert page.value[0].supported_architectures is None, "a property that was not selected came back"


@check
async def missing_image_is_an_odata_error():
    try:
        await images().by_managed_device_windows_operating_system_image_id("Windows 95").get()
    except APIError as error:
        assert error.response_status_code == 404, error.response_status_code
        assert error.error.code == "NotFound", error.error.code
        assert error.error.message, "no message"
    else:
        raise AssertionError("a missing image was found")


@check
async def create_patch_delete():
    collection = images()
    created = await collection.post(Image(id="Interop Lab", supported_architectures=[ManagedDeviceArchitecture.X64]))
    assert created.id == "Interop Lab"
    item = collection.by_managed_device_windows_operating_system_image_id("Interop Lab")
    patched = await item.patch(Image(supported_architectures=[ManagedDeviceArchitecture.ArM64]))
    assert patched.supported_architectures == [ManagedDeviceArchitecture.ArM64], patched.supported_architectures
    await item.delete()
    try:
        await item.get()
    except APIError as error:
        assert error.response_status_code == 404
    else:
        raise AssertionError("a deleted image was still there")


@check
async def function_get_all():
    item = images().by_managed_device_windows_operating_system_image_id("Windows 11 24H2")
    page = await item.get_all_managed_device_windows_o_s_images.get()
    assert [i.id for i in page.value] == SAMPLE_IDS[:4], page.value


@check
async def batch_with_relative_urls():
    # msgraph-core 1.5 writes each item's absolute URL, which Graph refuses (microsoftgraph/msgraph-sdk-python#1015);
    # docs/emulator.md gives this workaround, checked here.
    from msgraph_core.requests.batch_request_builder import BatchRequestBuilder
    from msgraph_core.requests.batch_request_content import BatchRequestContent
    from msgraph_core.requests.batch_request_item import BatchRequestItem
    graph = client()
    collection = graph.device_management.managed_device_windows_o_s_images
    one = BatchRequestItem(request_information=collection.by_managed_device_windows_operating_system_image_id(
        "Windows 11 24H2").to_get_request_information())
    missing = BatchRequestItem(request_information=collection.by_managed_device_windows_operating_system_image_id(
        "Windows 95").to_get_request_information())
    for item in (one, missing):
        item.url = item.url.removeprefix(graph.request_adapter.base_url)
    content = BatchRequestContent()
    content.add_request(None, one)
    content.add_request(None, missing)
    answer = await BatchRequestBuilder(graph.request_adapter).post(batch_request_content=content)
    responses = answer.responses.values() if isinstance(answer.responses, dict) else answer.responses
    statuses = {item.id: item.status for item in responses}
    assert statuses == {one.id: 200, missing.id: 404}, statuses


def certificate_pem(directory):
    """A self-signed certificate with its private key, as CertificateCredential reads it."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "interop")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now)
            .not_valid_after(now + datetime.timedelta(days=1)).sign(key, hashes.SHA256()))
    path = os.path.join(directory, "app.pem")
    with open(path, "wb") as out:
        out.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()))
        out.write(cert.public_bytes(serialization.Encoding.PEM))
    return path


@check
def msal_client_secret_and_certificate():
    secret = ClientSecretCredential("contoso", "app", "anything", authority=AUTHORITY,
                                    disable_instance_discovery=True)
    token = secret.get_token(SCOPE)
    assert token.token and token.expires_on > datetime.datetime.now().timestamp()
    with tempfile.TemporaryDirectory() as directory:
        certificate = CertificateCredential("contoso", "app", certificate_pem(directory), authority=AUTHORITY,
                                            disable_instance_discovery=True)
        assert certificate.get_token(SCOPE).token


@check
def msal_device_code_then_silent_renewal():
    prompts = []
    user = DeviceCodeCredential(client_id="app", tenant_id="contoso", authority=AUTHORITY,
                                disable_instance_discovery=True, timeout=30,
                                prompt_callback=lambda uri, code, expires: prompts.append((uri, code)))
    first = user.get_token(SCOPE)
    again = user.get_token(SCOPE)
    assert len(prompts) == 1, prompts
    assert first.token and again.token


@check
async def signed_in_sdk_over_https():
    origin = "https://" + AUTHORITY
    credential = AsyncClientSecretCredential("contoso", "app", "anything", authority=AUTHORITY,
                                             disable_instance_discovery=True)
    try:
        graph = GraphServiceClient(credential, [SCOPE])
        graph.request_adapter.base_url = origin + "/beta"
        assert await graph.device_management.managed_device_windows_o_s_images.count.get() == len(SAMPLE_IDS)
    finally:
        await credential.close()


def with_env(variables, action):
    saved = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        return action()
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


class IssuedToken(AccessTokenProvider):
    """A token from a credential, as the SDK's own Azure provider would hand it over."""

    def __init__(self, token):
        self.token = token

    async def get_authorization_token(self, uri, additional_authentication_context=None):
        return self.token

    def get_allowed_hosts_validator(self):
        return AllowedHostsValidator([])


async def count_with(token):
    adapter = GraphRequestAdapter(BaseBearerTokenAuthenticationProvider(IssuedToken(token)))
    adapter.base_url = MI_BASE_URL
    graph = GraphServiceClient(request_adapter=adapter)
    return await graph.device_management.managed_device_windows_o_s_images.count.get()


@check
def managed_identity_app_service_and_imds():
    parts = urlsplit(MI_BASE_URL)
    origin = f"{parts.scheme}://{parts.netloc}"
    now = datetime.datetime.now().timestamp()
    app_service = with_env({"IDENTITY_ENDPOINT": origin + "/msi/token", "IDENTITY_HEADER": "anything"},
                           lambda: ManagedIdentityCredential().get_token(SCOPE))
    assert app_service.token and app_service.expires_on > now
    imds = with_env({"AZURE_POD_IDENTITY_AUTHORITY_HOST": origin},
                    lambda: ManagedIdentityCredential().get_token(SCOPE))
    assert imds.token and imds.expires_on > now
    # The emulator's Graph accepts the tokens its authority issued, and refuses any other.
    assert asyncio.run(count_with(app_service.token)) == len(SAMPLE_IDS)
    assert asyncio.run(count_with(imds.token)) == len(SAMPLE_IDS)
    try:
        asyncio.run(count_with("not-issued-here"))
    except APIError as error:
        assert error.response_status_code == 401, error.response_status_code
    else:
        raise AssertionError("a token the authority never issued was accepted")


def main():
    failed = 0
    for function in CHECKS:
        try:
            result = function()
            if asyncio.iscoroutine(result):
                asyncio.run(result)
            print(f"ok      {function.__name__}")
        except Exception:  # noqa: BLE001 - every failure is reported, then the run fails
            failed += 1
            print(f"FAILED  {function.__name__}\n{traceback.format_exc()}")
    print(f"python: {len(CHECKS) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
